; Go (@vscode/tree-sitter-wasm). Go's builtin types (int, string) are predeclared identifiers,
; not keywords, and the grammar makes them type_identifier: they count as identifiers.
[
  (identifier)
  (field_identifier)
  (type_identifier)
  (package_identifier)
  (label_name)
] @identifier

[
  (interpreted_string_literal)
  (raw_string_literal)
  (rune_literal)
] @string
