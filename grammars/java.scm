; Java (@vscode/tree-sitter-wasm). Primitive types (int, boolean, void) are keywords.
[
  (identifier)
  (type_identifier)
] @identifier

[
  (string_literal)
  (character_literal)
] @string
