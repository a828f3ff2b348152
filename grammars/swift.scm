; Swift (tree-sitter-wasms).
[
  (simple_identifier)
  (type_identifier)
] @identifier

[
  (line_string_literal)
  (multi_line_string_literal)
  (raw_string_literal)
] @string
