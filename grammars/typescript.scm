; TypeScript (@vscode/tree-sitter-wasm). `predefined_type` (number, string, ...) is a keyword.
[
  (identifier)
  (property_identifier)
  (private_property_identifier)
  (shorthand_property_identifier)
  (shorthand_property_identifier_pattern)
  (statement_identifier)
  (type_identifier)
] @identifier

[
  (string)
  (template_string)
  (regex)
] @string
