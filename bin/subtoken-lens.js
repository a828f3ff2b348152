#!/usr/bin/env node
// Runs the bundled CLI when it has been built, else the TypeScript sources through tsx
// (a development checkout right after `npm ci`).
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const bundled = join(__dirname, '..', 'dist', 'cli.js');
if (existsSync(bundled)) {
  require(bundled);
} else {
  require('tsx/cjs');
  require(join(__dirname, '..', 'src', 'cli', 'main.ts'));
}
