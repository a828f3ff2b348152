; C (tree-sitter-wasms). `primitive_type` (int, char) is a keyword.
[
  (identifier)
  (field_identifier)
  (type_identifier)
  (statement_identifier)
] @identifier

[
  (string_literal)
  (char_literal)
  (system_lib_string)
] @string
