; Ruby (@vscode/tree-sitter-wasm). Sigils belong to the name: `@count`, `@@total`, `$stdout`.
; `self`, `nil`, `true` are keywords.
[
  (identifier)
  (constant)
  (instance_variable)
  (class_variable)
  (global_variable)
  (simple_symbol)
  (hash_key_symbol)
] @identifier

; Symbols are names: `:user_name` (colon included, like a sigil) and the `user_name` of
; `{ user_name: 1 }` are identifiers. A quoted symbol `:"a b"` is a string.
[
  (string)
  (character)
  (heredoc_body)
  (delimited_symbol)
  (regex)
  (subshell)
] @string
