; Lua (tree-sitter-wasms).
(identifier) @identifier

(string) @string
