; PHP (@vscode/tree-sitter-wasm). A variable's identifier is the whole `$userName`
; (variable_name wraps `$` and name; the nested name is dropped as it lies inside). Property and
; method names after `->`, function, class and constant names are bare `name` nodes.
[
  (name)
  (variable_name)
] @identifier

[
  (string)
  (encapsed_string)
  (heredoc)
  (nowdoc)
  (shell_command_expression)
] @string
