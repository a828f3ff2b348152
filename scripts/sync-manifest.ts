// Writes package.json's `activationEvents` and `contributes` from src/extension/manifest.ts (commands,
// views, activation) and src/extension/settings.ts (settings), the single sources of both. Run it
// after adding a command or a setting:
//   node --import tsx scripts/sync-manifest.ts
// test/extension/manifest.test.ts fails until package.json matches.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { manifestContributions } from '../src/extension/manifest';

const path = join(__dirname, '..', 'package.json');
const before = readFileSync(path, 'utf8');
const pkg = JSON.parse(before) as Record<string, unknown>;
const m = manifestContributions();
pkg.activationEvents = m.activationEvents;
pkg.contributes = m.contributes;
const after = `${JSON.stringify(pkg, null, 2)}\n`;
if (after === before) {
  console.log('package.json already matches the manifest');
} else {
  writeFileSync(path, after);
  console.log('package.json updated from src/extension/manifest.ts and settings.ts');
}
