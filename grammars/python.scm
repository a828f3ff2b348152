; Python (@vscode/tree-sitter-wasm). Identifiers are all `identifier` leaves (keywords such as
; `print`/`match` are identifiers in the grammar too when used as names).
(identifier) @identifier

; String literals, f-strings included: contents are string_content, `{...}` is interpolation.
(string) @string
