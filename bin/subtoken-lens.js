#!/usr/bin/env node
// In a development checkout (sources + tsx present) runs the TypeScript sources, so the CLI never
// lags behind an old build; an installed package runs the bundle in dist/.
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const source = join(__dirname, '..', 'src', 'cli', 'main.ts');
let useSource = existsSync(source) && !process.env.SUBTOKEN_LENS_USE_DIST;
if (useSource) {
  try { require.resolve('tsx/cjs'); } catch { useSource = false; }
}
if (useSource) {
  require('tsx/cjs');
  require(source).runCli(process.argv);
} else {
  require(join(__dirname, '..', 'dist', 'cli.js')).runCli(process.argv);
}
