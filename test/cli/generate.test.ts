// `generate` and `analyze` on checkpoint folders, as a user runs them: child processes, exit codes,
// JSON checked against PyTorch's greedy ids.
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { T5DecoderRuntime } from '../../src/core/runtime/decoder';
import { loadEncoder } from '../../src/core/runtime/encoder';
import { generateWithAndWithoutMerging } from '../../src/core/runtime/generate';
import { loadLearnedReducer } from '../../src/core/runtime/merge';
import { runCli } from '../support/cli';
import { REFERENCE, TOKENIZER_100, copyModel } from '../core/runtime/graph/helpers';

const work = mkdtempSync(join(tmpdir(), 'stl-generate-'));
const cache = join(work, 'cache');

const cli = (args: string[]) => runCli(args, { cwd: work, env: { SUBTOKEN_LENS_CACHE: cache } });

const pyFile = join(work, 'add.py');
writeFileSync(pyFile, 'def add_numbers(first_value, second_value):\n    return first_value + second_value\n');

interface GenerateJson {
  route: string; weightsFormat: string; graphsBuilt: boolean; inputIds: number[]; groups: number[][];
  unmerged: { ids: number[]; stoppedBy: string; encoderLength: number; flops: { encoder: number; decoder: number; total: number } };
  merged: { ids: number[]; stoppedBy: string; encoderLength: number; flops: { encoder: number; decoder: number; total: number } };
  firstDifference: number | null; agreement: { matching: number; compared: number; fraction: number };
  texts: { unmerged: string; merged: string }; flopSaving: number;
}

test('generate --ids --json gives transformers\' greedy ids, unmerged and merged', { timeout: 120000 }, async () => {
  const model = copyModel('untied-gated-bin', [join(TOKENIZER_100, 'vocab.json'), join(TOKENIZER_100, 'merges.txt')]);
  for (const c of REFERENCE.generate['untied-gated']!) {
    const r = await cli(['generate', '--ids', JSON.stringify(c.input_ids), '--groups', JSON.stringify(c.groups), '--model', model,
      '--max-new-tokens', String(c.max_new_tokens), '--provider', 'cpu', '--json']);
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out) as GenerateJson;
    assert.equal(j.route, 'checkpoint');
    assert.equal(j.weightsFormat, 'torch-zip');
    assert.deepEqual([0, ...j.unmerged.ids], c.plain);
    assert.deepEqual([0, ...j.merged.ids], c.merged);
    assert.equal(j.unmerged.encoderLength, c.input_ids.length);
    assert.ok(j.merged.flops.encoder < j.unmerged.flops.encoder, 'fewer encoder positions');
    assert.equal(j.unmerged.flops.total, j.unmerged.flops.encoder + j.unmerged.flops.decoder);
    assert.equal(typeof j.texts.unmerged, 'string');
  }
});

test('generate FILE prints both texts, the first difference, agreement and FLOPs; the graphs are built once', { timeout: 120000 }, async () => {
  const model = copyModel('tied-relu', [join(TOKENIZER_100, 'vocab.json'), join(TOKENIZER_100, 'merges.txt')]);
  const first = await cli(['generate', pyFile, '--model', model, '--max-new-tokens', '6', '--provider', 'cpu']);
  assert.equal(first.code, 0, first.err);
  assert.match(first.err, /building the encoder and decoder graphs/);
  assert.match(first.out, /graphs built now/);
  assert.match(first.out, /^unmerged \(\d+ encoder positions, 6 tokens/m);
  assert.match(first.out, /^merged {3}\(\d+ encoder positions/m);
  assert.match(first.out, /(first difference at generated token \d+; agreement \d+\/\d+|same tokens: \d+\/\d+)/);
  assert.match(first.out, /FLOPs unmerged: [\d.]+ [kMG]?FLOP \(encoder/);
  assert.match(first.out, /saved: [\d.]+% of the FLOPs/);

  const second = await cli(['generate', pyFile, '--model', model, '--max-new-tokens', '6', '--provider', 'cpu', '--json']);
  assert.equal(second.code, 0, second.err);
  const j = JSON.parse(second.out) as GenerateJson;
  assert.equal(j.graphsBuilt, false, 'second run: graphs from the cache');
  assert.ok(j.groups.length > 0, 'the identifiers of the file are merged');
  assert.equal(j.inputIds[0], 1, '<s> … </s> around the file tokens');
  assert.equal(j.unmerged.ids.length, 6);
});

test('analyze FILE --model CHECKPOINT runs the built encoder; graph FLOPs agree with the analytic model', { timeout: 120000 }, async () => {
  const model = copyModel('untied-gated-sharded');
  const r = await cli(['analyze', pyFile, '--model', model, '--tokenizer', TOKENIZER_100, '--runs', '1', '--provider', 'cpu', '--json']);
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out) as { totals: { analyticFlopsBefore: number; graphFlopsBefore: number; analyticFlopsAfter: number; graphFlopsAfter: number }; windows: { flops: { agree: boolean } }[] };
  assert.ok(j.windows.length > 0 && j.windows.every((w) => w.flops.agree));
  assert.equal(j.totals.graphFlopsBefore, j.totals.analyticFlopsBefore);
  assert.equal(j.totals.graphFlopsAfter, j.totals.analyticFlopsAfter);
  assert.ok(j.totals.analyticFlopsAfter < j.totals.analyticFlopsBefore);
});

test('generate --model owner/name finds a repo in the cache, and says how to fetch one that is not', { timeout: 120000 }, async () => {
  const cached = join(cache, 'models', 'acme--tiny-t5', 'main');
  mkdirSync(cached, { recursive: true });
  cpSync(copyModel('tied-relu-sharded'), cached, { recursive: true });
  const ok = await cli(['generate', '--ids', '[5, 17, 42, 99, 3, 1]', '--model', 'acme/tiny-t5', '--tokenizer', TOKENIZER_100, '--max-new-tokens', '8', '--provider', 'cpu', '--json']);
  assert.equal(ok.code, 0, ok.err);
  assert.deepEqual([0, ...(JSON.parse(ok.out) as GenerateJson).unmerged.ids], REFERENCE.generate['tied-relu']![0]!.plain);

  const missing = await cli(['generate', '--ids', '[5, 6]', '--model', 'acme/not-fetched', '--tokenizer', TOKENIZER_100]);
  assert.equal(missing.code, 2);
  assert.match(missing.err, /^subtoken-lens: .*not in the cache.*subtoken-lens model fetch acme\/not-fetched\n$/);
});

test('generate refuses bad input with one line and exit 2', { timeout: 120000 }, async () => {
  const model = copyModel('tied-relu');
  const cases: [string[], RegExp][] = [
    [['generate', '--ids', '[1,2]'], /--model is required/],
    [['generate', pyFile, '--ids', '[1]', '--model', model], /either FILE or --ids/],
    [['generate', '--ids', '[1,2]', '--model', model, '--max-new-tokens', '0'], /--max-new-tokens must be an integer ≥ 1/],
    [['generate', '--ids', '[1,2,3]', '--groups', '[[0,2]]', '--model', model], /--groups: .*not a run of consecutive positions/],
    [['generate', '--ids', 'nope', '--model', model], /--ids is not valid JSON/],
    [['generate', '--ids', '[1,2]', '--model', model, '--strategy', 'none'], /--strategy.*'none' is invalid. Allowed choices are average, learned/],
    [['generate', '--ids', '[1,2]', '--model', 'tiny'], /no checkpoint weights.*generation needs them/],
    [['generate', '--ids', '[1,2]', '--model', model, '--strategy', 'learned', '--tokenizer', TOKENIZER_100], /no learned merger/],
  ];
  for (const [args, message] of cases) {
    const r = await cli(args);
    assert.equal(r.code, 2, `${args.join(' ')}: exit ${r.code}\n${r.err}`);
    assert.match(r.err, message, args.join(' '));
    assert.equal(r.err.trim().split('\n').length, 1, `one line: ${r.err}`);
  }
});

test('train-merger works on a checkpoint folder, and generate --strategy learned merges with it', { timeout: 120000 }, async () => {
  const model = copyModel('tied-relu', [join(TOKENIZER_100, 'vocab.json'), join(TOKENIZER_100, 'merges.txt')]);
  const trained = await cli(['train-merger', '--model', model, '--epochs', '2']);
  assert.equal(trained.code, 0, trained.err);
  const c = REFERENCE.generate['tied-relu']![1]!;
  const args = ['generate', '--ids', JSON.stringify(c.input_ids), '--groups', JSON.stringify(c.groups), '--model', model, '--max-new-tokens', '6', '--provider', 'cpu', '--json'];
  const learned = JSON.parse((await cli([...args, '--strategy', 'learned'])).out) as GenerateJson & { strategy: string };
  const average = JSON.parse((await cli(args)).out) as GenerateJson & { strategy: string };
  assert.equal(learned.strategy, 'learned');
  assert.deepEqual(learned.unmerged.ids, average.unmerged.ids, 'the unmerged run does not depend on the strategy');
  assert.equal(learned.merged.encoderLength, average.merged.encoderLength);

  // The same merged run through the library with the trained merger: the CLI used it.
  const encoder = await loadEncoder(model, { device: 'cpu' });
  const decoder = await T5DecoderRuntime.load(model, { device: 'cpu' });
  try {
    const r = await generateWithAndWithoutMerging(encoder, decoder, c.input_ids, c.groups, loadLearnedReducer(model, 32), { maxNewTokens: 6 });
    assert.deepEqual(learned.merged.ids, r.merged.ids);
  } finally {
    await encoder.release();
    await decoder.release();
  }
});
