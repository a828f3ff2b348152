// `flops --profile/--output-length/--merge-layer`, `analyze --merge-layer K|all --profile` and
// `encode`/`generate --merge-layer K`, run as a user runs them (a child process each, with a time limit).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../core/helpers';
import { REF_DIR } from '../core/runtime/helpers';

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

// encode/generate --merge-layer K on the tied-relu checkpoint (2 encoder blocks), against the
// PyTorch references of the fixture script (merge-layer.json: hidden states merged after block K;
// reference.json: transformers' greedy ids, merged at the embeddings).
interface LayerOutput { shape: number[]; data: number[] }
const LAYER_REF = (JSON.parse(readFileSync(join(FIXTURES, 'merge-layer.json'), 'utf8')) as Record<string, { input_ids: number[]; groups: number[][]; by_layer: Record<string, LayerOutput> }>)['tied-relu']!;
const GENERATE_REF = (JSON.parse(readFileSync(join(FIXTURES, 'reference.json'), 'utf8')) as { generate: Record<string, Array<{ input_ids: number[]; groups: number[][]; max_new_tokens: number; plain: number[]; merged: number[] }>> }).generate['tied-relu']![0]!;

function maxAbsDiff(a: readonly number[], b: readonly number[]): number {
  assert.equal(a.length, b.length);
  return a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i]!)), 0);
}

/** `encode --ids … --strategy average` on the fixture's input, with `extra` flags; the JSON written, if any. */
function encodeLayer(name: string, modelDir: string, extra: string[]) {
  const out = join(work, `${name}.json`);
  const r = cli(['encode', '--ids', JSON.stringify(LAYER_REF.input_ids), '--groups', JSON.stringify(LAYER_REF.groups), '--strategy', 'average',
    '--model', modelDir, '--provider', 'cpu', '--out', out, ...extra]);
  return { ...r, json: existsSync(out) ? JSON.parse(readFileSync(out, 'utf8')) as LayerOutput & { mergeLayer: number } : undefined, out };
}

test('encode --merge-layer: K=0 is today\'s output, K=num_layers matches PyTorch, out-of-range K exits 2', { timeout: 60000 }, () => {
  const today = encodeLayer('enc-default', model, []);
  assert.equal(today.code, 0, today.err);
  const k0 = encodeLayer('enc-k0', model, ['--merge-layer', '0']);
  assert.equal(k0.code, 0, k0.err);
  assert.deepEqual(k0.json!.data, today.json!.data);
  assert.ok(maxAbsDiff(k0.json!.data, LAYER_REF.by_layer['0']!.data) < 1e-4);
  const k2 = encodeLayer('enc-k2', model, ['--merge-layer', '2']);
  assert.equal(k2.code, 0, k2.err);
  assert.equal(k2.json!.mergeLayer, 2);
  assert.deepEqual(k2.json!.shape, LAYER_REF.by_layer['2']!.shape);
  assert.ok(maxAbsDiff(k2.json!.data, LAYER_REF.by_layer['2']!.data) < 1e-4, 'merged after the last block, as PyTorch');
  assert.ok(maxAbsDiff(k2.json!.data, k0.json!.data) > 1e-3, 'merging later changes the output');
  const bad = encodeLayer('enc-k3', model, ['--merge-layer', '3']);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /^subtoken-lens: --merge-layer 3: the encoder has 2 blocks \(0 to 2\)$/m);
  assert.equal(bad.json, undefined, 'nothing written');
  const notANumber = encodeLayer('enc-kx', model, ['--merge-layer', '-1']);
  assert.equal(notANumber.code, 2);
  assert.match(notANumber.err, /--merge-layer must be an integer ≥ 0/);
});

test('encode --merge-layer 1 on an ONNX export is refused with the clear message (exit 2)', { timeout: 60000 }, () => {
  const r = cli(['encode', '--ids', '[1,5,6,2]', '--groups', '[[1,2]]', '--strategy', 'average', '--model', REF_DIR, '--provider', 'cpu',
    '--out', join(work, 'onnx-k1.json'), '--merge-layer', '1']);
  assert.equal(r.code, 2, r.err);
  assert.match(r.err, /ONNX export.*merge layer 0.*checkpoint/);
  assert.ok(!existsSync(join(work, 'onnx-k1.json')));
});

interface GenerateRun { ids: number[]; encoderLength: number; flops: { encoder: number; decoder: number; total: number } }
function generateLayer(extra: string[]) {
  const c = GENERATE_REF;
  const r = cli(['generate', '--ids', JSON.stringify(c.input_ids), '--groups', JSON.stringify(c.groups), '--model', model,
    '--tokenizer', join(FIXTURES, 'tokenizer-100'), '--max-new-tokens', String(c.max_new_tokens), '--provider', 'cpu', '--json', ...extra]);
  return { ...r, json: r.code === 0 ? JSON.parse(r.out) as { mergeLayer: number; unmerged: GenerateRun; merged: GenerateRun; flopSaving: number } : undefined };
}

test('generate --merge-layer: K=0 is today\'s output (transformers\' ids), K=num_layers runs, out-of-range K exits 2', { timeout: 120000 }, () => {
  const today = generateLayer([]);
  assert.equal(today.code, 0, today.err);
  const k0 = generateLayer(['--merge-layer', '0']);
  assert.equal(k0.code, 0, k0.err);
  assert.equal(k0.json!.mergeLayer, 0);
  assert.deepEqual([0, ...k0.json!.unmerged.ids], GENERATE_REF.plain);
  assert.deepEqual([0, ...k0.json!.merged.ids], GENERATE_REF.merged);
  for (const side of ['unmerged', 'merged'] as const) {
    assert.deepEqual(k0.json![side].ids, today.json![side].ids);
    assert.deepEqual(k0.json![side].flops, today.json![side].flops);
  }
  const k2 = generateLayer(['--merge-layer', '2']);
  assert.equal(k2.code, 0, k2.err);
  assert.equal(k2.json!.mergeLayer, 2);
  assert.deepEqual(k2.json!.unmerged.ids, k0.json!.unmerged.ids);
  assert.equal(k2.json!.merged.encoderLength, k0.json!.merged.encoderLength, 'the decoder reads m positions at any K');
  // Every block ran on all n positions before the merge: the encoder costs what the unmerged one does.
  assert.ok(Math.abs(k2.json!.merged.flops.encoder - k2.json!.unmerged.flops.encoder) <= 1e-9 * k2.json!.unmerged.flops.encoder);
  assert.ok(k2.json!.merged.flops.encoder > k0.json!.merged.flops.encoder);
  const text = cli(['generate', '--ids', JSON.stringify(GENERATE_REF.input_ids), '--groups', JSON.stringify(GENERATE_REF.groups), '--model', model,
    '--tokenizer', join(FIXTURES, 'tokenizer-100'), '--max-new-tokens', '3', '--provider', 'cpu', '--merge-layer', '1']);
  assert.equal(text.code, 0, text.err);
  assert.match(text.out, /groups merged \(average, after encoder block 1\)/);
  const bad = generateLayer(['--merge-layer', '3']);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /^subtoken-lens: --merge-layer 3: the encoder has 2 blocks \(0 to 2\)$/m);
  assert.equal(bad.out, '');
});
