// Runs every test file under test/ (or the paths given) with Node's own test runner.
// TypeScript is loaded through tsx so tests exercise the sources, not a bundle.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function collect(dir, out) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (name === 'e2e' && !process.argv.includes('--e2e')) continue;
      collect(p, out);
    } else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const e2e = process.argv.includes('--e2e');
const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
// A directory given on the command line stands for every test file under it.
const files = args.length ? args.flatMap((a) => (statSync(a).isDirectory() ? collect(a, []).sort() : [a])) : collect('test', []).sort();
// End-to-end files each start a code-server and a browser: one at a time on a small machine.
const concurrency = e2e ? 1 : 2;
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', `--test-concurrency=${concurrency}`, ...files], {
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
