; C++ (@vscode/tree-sitter-wasm). `primitive_type` (int, char) is a keyword.
[
  (identifier)
  (field_identifier)
  (type_identifier)
  (namespace_identifier)
  (statement_identifier)
  (module_name)
] @identifier

[
  (string_literal)
  (raw_string_literal)
  (char_literal)
  (system_lib_string)
] @string
