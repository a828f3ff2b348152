// Packages the extension as a platform-specific VSIX: `vsce package --target <t>` with only that
// platform's onnxruntime binary (each is 25-86 MB; all of them together ~290 MB).
//   node scripts/package-vsix.mjs [--target linux-x64] [--out file.vsix] [--tokenizer DIR]
// The CodeT5 tokenizer is copied into dist/tokenizer/codet5 first (scripts/bundle-tokenizer.mjs);
// without it packaging stops, since a VSIX without a tokenizer shows nothing.
// Expects `npm run build` to have run. The platform line of .vscodeignore is rewritten into a
// temporary ignore file for the target, so .vscodeignore itself stays the linux-x64 default.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { bundleTokenizer } from './bundle-tokenizer.mjs';

const require = createRequire(import.meta.url);
const root = resolve(import.meta.dirname, '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
};

// vsce target → onnxruntime-node's bin/napi-v6/<os>/<arch> folder.
const ORT_BIN = {
  'linux-x64': 'linux/x64', 'linux-arm64': 'linux/arm64',
  'win32-x64': 'win32/x64', 'win32-arm64': 'win32/arm64',
  'darwin-arm64': 'darwin/arm64',
};
const target = arg('--target', `${process.platform}-${process.arch}`);
if (!ORT_BIN[target]) {
  console.error(`No onnxruntime-node binary for target "${target}". Known: ${Object.keys(ORT_BIN).join(', ')}.`);
  process.exit(2);
}
if (!existsSync(join(root, 'dist', 'extension.js'))) {
  console.error('dist/extension.js is missing: run `npm run build` first.');
  process.exit(2);
}
try {
  const from = bundleTokenizer({ root, explicit: arg('--tokenizer', undefined) });
  console.log(`tokenizer: ${from} → dist/tokenizer/codet5`);
} catch (err) {
  console.error(`package-vsix: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(2);
}
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const out = resolve(arg('--out', join(root, `${pkg.name}-${pkg.version}-${target}.vsix`)));
mkdirSync(dirname(out), { recursive: true });

const base = readFileSync(join(root, '.vscodeignore'), 'utf8');
const ignore = base.replace(/^!node_modules\/onnxruntime-node\/bin\/napi-v6\/.*$/m,
  `!node_modules/onnxruntime-node/bin/napi-v6/${ORT_BIN[target]}/**`);
const tmp = mkdtempSync(join(tmpdir(), 'vsix-'));
const ignoreFile = join(tmp, '.vscodeignore');
writeFileSync(ignoreFile, ignore);

const vsce = require.resolve('@vscode/vsce/vsce');
const args = [vsce, 'package', '--target', target, '--out', out, '--ignoreFile', ignoreFile,
  // The manifest has no repository yet; without this vsce stops to ask on stdin.
  '--allow-missing-repository',
  // README links are relative to the repository, which the manifest does not name yet; keep them as written.
  '--no-rewrite-relative-links'];
if (!['LICENSE', 'LICENSE.md', 'LICENSE.txt'].some((f) => existsSync(join(root, f)))) args.push('--skip-license');
const r = spawnSync(process.execPath, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
rmSync(tmp, { recursive: true, force: true });
if (r.status !== 0) process.exit(r.status ?? 1);
console.log(`${out} (${(statSync(out).size / 1e6).toFixed(1)} MB)`);
