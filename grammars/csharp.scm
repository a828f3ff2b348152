; C# (@vscode/tree-sitter-wasm). Every name is an `identifier`; `predefined_type` (int, string)
; and `implicit_type` (var) are keywords.
(identifier) @identifier

[
  (string_literal)
  (verbatim_string_literal)
  (raw_string_literal)
  (interpolated_string_expression)
  (character_literal)
] @string
