// `tokenizer fetch`: the real CodeT5 files served by a loopback server in the Hub's URL layout are
// installed where locateTokenizer looks, and load into the same tokenizer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fetchTokenizer } from '../../../../src/core/runtime/fetch';
import { loadTokenizer, locateTokenizer } from '../../../../src/core/tokenizer';
import { CODET5_DIR, codet5 } from '../../helpers';

test('fetchTokenizer installs vocab.json + merges.txt into <cache>/tokenizers/codet5', async (t) => {
  const files: Record<string, Buffer> = {
    'vocab.json': readFileSync(join(CODET5_DIR, 'vocab.json')),
    'merges.txt': readFileSync(join(CODET5_DIR, 'merges.txt')),
    'config.json': Buffer.from('{}'),
  };
  const gitBlob = (b: Buffer) => createHash('sha1').update(`blob ${b.length}\0`).update(b).digest('hex');
  const server = createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    if (url.pathname === '/api/models/Salesforce/codet5-small/revision/main') {
      const siblings = Object.entries(files).map(([rfilename, b]) => ({ rfilename, size: b.length, blobId: gitBlob(b) }));
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: 'Salesforce/codet5-small', sha: 'a'.repeat(40), siblings }));
      return;
    }
    const m = /^\/Salesforce\/codet5-small\/resolve\/[^/]+\/(.+)$/.exec(url.pathname);
    const body = m ? files[m[1]!] : undefined;
    if (!body) { res.writeHead(404).end('Entry not found'); return; }
    res.writeHead(200, { 'content-length': body.length }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }));
  const cacheDir = mkdtempSync(join(tmpdir(), 'stl-tok-fetch-'));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const r = await fetchTokenizer({ repo: 'Salesforce/codet5-small', cacheDir, endpoint });
  assert.equal(r.dir, join(cacheDir, 'tokenizers', 'codet5'));
  const saved = process.env.SUBTOKEN_LENS_TOKENIZER;
  delete process.env.SUBTOKEN_LENS_TOKENIZER;
  try {
    const located = locateTokenizer({ cacheDir });
    assert.deepEqual(located, { dir: r.dir, source: 'cache' });
  } finally {
    if (saved !== undefined) process.env.SUBTOKEN_LENS_TOKENIZER = saved;
  }
  const text = 'def fetch_remote_config(value):\n\treturn value  # émoji 🚀 <mask>\r\n';
  assert.deepEqual(Array.from(loadTokenizer(r.dir).encode(text).ids), Array.from(codet5().encode(text).ids));
  await assert.rejects(fetchTokenizer({ repo: 'Salesforce/missing', cacheDir, endpoint }), /not found/i);
});
