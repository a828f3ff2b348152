; Rust (@vscode/tree-sitter-wasm). `primitive_type` (u32, bool, str) and `self` are keywords.
[
  (identifier)
  (field_identifier)
  (type_identifier)
  (shorthand_field_identifier)
  (metavariable)
] @identifier

[
  (string_literal)
  (raw_string_literal)
  (char_literal)
] @string
