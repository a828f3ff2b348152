// The tokenizer must work from an esbuild bundle running in a worker thread (how the extension and
// the CLI's worker pool use it), with no reliance on the source layout.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { build } from 'esbuild';
import { loadTokenizer } from '../../../src/core/tokenizer';
import { SHARED_CODET5 } from './hfReference';

test('bundled tokenizer in a worker thread gives the same encoding', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tokenizer-bundle-'));
  try {
    const entry = join(dir, 'entry.ts');
    writeFileSync(
      entry,
      `import { parentPort, workerData } from 'node:worker_threads';
       import { loadTokenizer } from ${JSON.stringify(resolve(__dirname, '../../../src/core/tokenizer'))};
       const tok = loadTokenizer(workerData.dir);
       const e = tok.encode(workerData.text);
       parentPort!.postMessage({ ids: Array.from(e.ids), starts: Array.from(e.starts), ends: Array.from(e.ends), count: tok.count(workerData.text) });`,
    );
    const outfile = join(dir, 'worker.js');
    await build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', outfile, logLevel: 'silent' });
    const text = 'def f(x):\n    return "🤗 <mask> naïve" + x  # <extra_id_3>\n';
    const result = await new Promise<{ ids: number[]; starts: number[]; ends: number[]; count: number }>((resolvePromise, reject) => {
      const w = new Worker(outfile, { workerData: { dir: SHARED_CODET5, text } });
      w.once('message', (m) => {
        resolvePromise(m);
        void w.terminate();
      });
      w.once('error', reject);
    });
    const direct = loadTokenizer(SHARED_CODET5).encode(text);
    assert.deepEqual(result.ids, Array.from(direct.ids));
    assert.deepEqual(result.starts, Array.from(direct.starts));
    assert.deepEqual(result.ends, Array.from(direct.ends));
    assert.equal(result.count, direct.length);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
