// `flops --profile/--output-length/--merge-layer` and `analyze --merge-layer K|all --profile`, run
// as a user runs them (a child process each, with a time limit).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../core/helpers';

const BIN = join(REPO_ROOT, 'bin', 'subtoken-lens.js');
const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 't5-checkpoints');
const work = mkdtempSync(join(tmpdir(), 'stl-merge-layer-'));
const model = join(work, 'tied-relu');
cpSync(join(FIXTURES, 'tied-relu'), model, { recursive: true });
const file = join(work, 'a.py');
writeFileSync(file, 'def getUserName(fooBar, bazQux):\n    return fooBar + bazQux\n');

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8', cwd: work, timeout: 60000, killSignal: 'SIGKILL',
    env: { ...process.env, SUBTOKEN_LENS_CACHE: join(work, 'cache') },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const analyze = (...extra: string[]) => cli(['analyze', file, '--model', model, '--tokenizer', join(FIXTURES, 'tokenizer-100'), '--runs', '1', '--provider', 'cpu', ...extra]);

test('flops --output-length on an encoder-only key is refused with a message, not NaN%', { timeout: 30000 }, () => {
  const r = cli(['flops', '--arch', 'codebert', '--tokens', '512', '--output-length', '128']);
  assert.equal(r.code, 2);
  assert.match(r.err, /^subtoken-lens: codebert is an encoder-only model/);
  assert.doesNotMatch(r.out + r.err, /NaN/);
});

test('flops --json --profile seq2seq prints every part before and after, and the totals', { timeout: 30000 }, () => {
  const r = cli(['flops', '--arch', 'codet5-base', '--tokens', '512', '--merged', '400', '--output-length', '128', '--json']);
  assert.equal(r.code, 0, r.err);
  const task = JSON.parse(r.out).task;
  assert.equal(task.profile, 'seq2seq');
  for (const side of ['before', 'after']) {
    for (const part of ['encoder', 'decoderSelfAttention', 'crossAttention', 'decoderFeedForward', 'lmHead', 'total']) assert.ok(task[side][part] > 0, `${side}.${part}`);
  }
  assert.equal(Math.round(task.totalSaving * 1000) / 10, 18.2);
  const text = cli(['flops', '--arch', 'codet5-base', '--tokens', '512', '--merged', '400', '--profile', 'classify', '--merge-layer', '12']);
  assert.equal(text.code, 0, text.err);
  assert.match(text.out, /profile classify, 512 decoder positions, merged after encoder block 12/);
  assert.match(text.out, /encoder\s+96\.64 GFLOP\s+→\s+96\.64 GFLOP\s+\(0\.0% saved\)/);
  assert.equal(cli(['flops', '--arch', 'codet5-base', '--tokens', '512', '--merge-layer', '13']).code, 2);
});

test('analyze --merge-layer all prints one row per K (text, Markdown, JSON)', { timeout: 60000 }, () => {
  const r = analyze('--merge-layer', 'all');
  assert.equal(r.code, 0, r.err);
  const lines = r.out.trim().split('\n');
  assert.equal(lines.length, 4, r.out);
  assert.match(lines[0]!, /^K\s+encoder FLOPs saved\s+model FLOPs saved \(classify\)\s+speed-up\s+pooled cos\s+min token cos\s+mean group cos\s+rel L2$/);
  assert.match(lines[3]!, /^2\s+0\.0%/);
  assert.match(analyze('--merge-layer', 'all', '--markdown').out, /^\| K \| encoder FLOPs saved/);
  const json = JSON.parse(analyze('--merge-layer', 'all', '--json', '--output-length', '8').out);
  assert.equal(json.sweep.profile, 'seq2seq');
  assert.deepEqual(json.sweep.rows.map((x: { mergeLayer: number }) => x.mergeLayer), [0, 1, 2]);
});

test('analyze --merge-layer K reports the layer and both savings; out-of-range K is refused', { timeout: 60000 }, () => {
  const r = analyze('--merge-layer', '1');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /merged after encoder block 1/);
  assert.match(r.out, /FLOPs saved: encoder \d+\.\d%, whole model \(classify\) \d+\.\d%/);
  const bad = analyze('--merge-layer', '3');
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--merge-layer 3: the encoder has 2 blocks/);
  assert.equal(analyze('--merge-layer', 'x').code, 2);
});
