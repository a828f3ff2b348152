; Scala (tree-sitter-wasms). Operator identifiers (`+`, `::`) are operators, not captured.
[
  (identifier)
  (type_identifier)
] @identifier

; s"..." and f"..." are an interpolated_string_expression around a `string`.

[
  (string)
] @string
