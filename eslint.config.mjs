// ESLint for the whole tree (`npm run lint`, run by `npm test` and CI).
// Besides typescript-eslint's recommended rules, it holds the layering that otherwise lives only in
// habit: `vscode` is imported only under src/extension/, and the core imports neither front end.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const frontEnds = ['**/extension/**', '**/cli/**', '../extension/*', '../cli/*'];

export default tseslint.config(
  {
    ignores: ['dist/**', 'out/**', 'bench/results/**', 'test-artifacts/**', 'node_modules/**', '.cache/**', 'demo-output/**', 'examples/**', 'media/vendor/**', '**/*.d.ts'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // An unawaited promise in the extension host is an unhandled rejection waiting to happen.
      '@typescript-eslint/no-floating-promises': ['error', {
        // node:test's test()/describe() return promises the runner itself awaits.
        allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] }],
      }],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // `typeof import('onnxruntime-node')` types a module that is loaded lazily, on purpose.
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      // `import X = require('web-tree-sitter')` picks a CommonJS build on purpose (see capture-plan.ts).
      '@typescript-eslint/no-require-imports': ['error', { allowAsImport: true }],
      // Sanitising terminal output and reading binary formats match control characters on purpose.
      'no-control-regex': 'off',
      'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'vscode is imported only under src/extension/.' }] }],
    },
  },
  {
    files: ['src/extension/**/*.ts', 'test/extension/**/*.ts', 'test/e2e/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'src/core/ is plain TypeScript: vscode is imported only under src/extension/.' }],
        patterns: [{ group: frontEnds, message: 'src/core/ depends on no front end: move the shared part into core.' }],
      }],
    },
  },
  {
    // The plain JS left is Node only (bin/, scripts/, the worker's dev shim); the webview is
    // TypeScript (src/webview/), so no browser globals are declared here.
    files: ['**/*.{js,mjs,cjs}'],
    languageOptions: {
      globals: {
        require: 'readonly', module: 'writable', process: 'readonly', console: 'readonly', __dirname: 'readonly',
        Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', URL: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
);
