; Kotlin (tree-sitter-wasms). Names are simple_identifier (type_identifier wraps one); `$name`
; inside a string template is interpolated_identifier.
[
  (simple_identifier)
  (type_identifier)
  (interpolated_identifier)
] @identifier

[
  (string_literal)
  (character_literal)
] @string
