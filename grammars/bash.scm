; Bash (@vscode/tree-sitter-wasm). `$x` is an expansion of the variable `x`: the identifier is `x`.
; Command names and arguments (`ls`, `-l`) are words, not identifiers (category other).
(variable_name) @identifier

; A function's name is a plain `word` in the grammar.
(function_definition name: (word) @identifier)

[
  (string)
  (raw_string)
  (ansi_c_string)
  (translated_string)
  (heredoc_body)
] @string
