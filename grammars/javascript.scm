; JavaScript + JSX (@vscode/tree-sitter-wasm).
[
  (identifier)
  (property_identifier)
  (private_property_identifier)
  (shorthand_property_identifier)
  (shorthand_property_identifier_pattern)
  (statement_identifier)
] @identifier

[
  (string)
  (template_string)
  (regex)
  (jsx_text)
] @string
