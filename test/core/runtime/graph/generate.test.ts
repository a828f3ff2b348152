// Greedy generation on the built decoder against transformers' generate() (greedy), unmerged and
// merged, for every fixture format; the stop rule; and the comparison and FLOP figures reported.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { cachedDecodeFlops, decoderPassFlops, greedyDecodeFlops } from '../../../../src/core/decoder-flops';
import { encoderFlops } from '../../../../src/core/flops';
import { T5DecoderRuntime, readGenerationTokens } from '../../../../src/core/runtime/decoder';
import { loadEncoder } from '../../../../src/core/runtime/encoder';
import { argmax, compareIds, generateWithAndWithoutMerging } from '../../../../src/core/runtime/generate';
import { averageReducer } from '../../../../src/core/runtime/merge';
import { ModelConfigError } from '../../../../src/core/runtime/model-dir';
import { tinyModelDir } from '../helpers';
import { type GenerateReference, MODEL_FOLDERS, REFERENCE, copyModel, referenceKey } from './helpers';

const released: { release(): Promise<void> }[] = [];
after(async () => { for (const r of released) await r.release(); });

async function open(folder: string) {
  const dir = copyModel(folder);
  const encoder = await loadEncoder(dir, { device: 'cpu' });
  const decoder = await T5DecoderRuntime.load(dir, { device: 'cpu' });
  released.push(encoder, decoder);
  return { dir, encoder, decoder };
}

/**
 * Expected ids, cut where PyTorch's best and second-best logits were so close (< 1e-5) that float32
 * rounding may legitimately pick the other: past such a step the sequences may part. None of the
 * committed references has one, so in practice the whole sequence is compared.
 */
function comparable(ref: number[], margins: number[]): number[] {
  const nearTie = margins.findIndex((m) => m < 1e-5);
  return nearTie < 0 ? ref : ref.slice(0, nearTie + 1);
}

describe('greedy generation equals transformers generate()', () => {
  for (const folder of MODEL_FOLDERS) {
    it(`${folder}: unmerged and merged, every reference input`, async () => {
      const cases: GenerateReference[] = REFERENCE.generate[referenceKey(folder)]!;
      const { encoder, decoder } = await open(folder);
      for (const c of cases) {
        const r = await generateWithAndWithoutMerging(encoder, decoder, c.input_ids, c.groups, averageReducer, { maxNewTokens: c.max_new_tokens });
        for (const [side, ref, margins] of [['unmerged', c.plain, c.plain_margins], ['merged', c.merged, c.merged_margins]] as const) {
          const got = [decoder.info.tokens.decoderStartTokenId, ...r[side].ids];
          const want = comparable(ref, margins);
          assert.deepEqual(got.slice(0, want.length), want, `${folder} ${side} ${JSON.stringify(c.input_ids)}`);
          if (want.length === ref.length) assert.equal(got.length, ref.length, `${side}: same length`);
        }
        assert.equal(r.merged.encoderLength, c.input_ids.length - c.groups.reduce((a, g) => a + g.length - 1, 0));
      }
    });
  }

  it('stops at </s> (the stop token is part of the output, as in transformers) or at the token limit', async () => {
    const c = REFERENCE.generate['untied-gated']![2]!;
    assert.equal(c.plain.at(-1), 1, 'this reference input ends in </s>');
    const { encoder, decoder } = await open('untied-gated');
    const r = await generateWithAndWithoutMerging(encoder, decoder, c.input_ids, c.groups, averageReducer, { maxNewTokens: c.max_new_tokens });
    assert.equal(r.unmerged.stoppedBy, 'eos');
    assert.deepEqual(r.unmerged.ids, c.plain.slice(1));
    assert.equal(r.merged.stoppedBy, 'max-new-tokens');
    assert.equal(r.merged.ids.length, c.max_new_tokens);
  });
});

describe('what a generation run reports', () => {
  it('first difference, agreement and FLOPs (analytic, and the graph count agrees with the decoder figure)', async () => {
    const c = REFERENCE.generate['tied-relu']![0]!;
    const { encoder, decoder } = await open('tied-relu');
    const r = await generateWithAndWithoutMerging(encoder, decoder, c.input_ids, c.groups, averageReducer, { maxNewTokens: c.max_new_tokens });
    const cmp = compareIds(c.plain.slice(1), c.merged.slice(1));
    assert.equal(r.firstDifference, cmp.firstDifference);
    assert.deepEqual(r.agreement, cmp.agreement);
    assert.equal(r.firstDifference, 1, 'reference: [76, 76, …] vs [76, 74, …]');

    for (const run of [r.unmerged, r.merged]) {
      const steps = run.ids.length;
      assert.equal(run.flops.encoder, encoderFlops(encoder.info.encoderConfig, run.encoderLength).total);
      assert.equal(run.flops.decoder, greedyDecodeFlops(decoder.info.shape, run.encoderLength, steps));
      assert.equal(run.flops.total, run.flops.encoder + run.flops.decoder);
      let counted = 0;
      for (let t = 1; t <= steps; t++) counted += (await decoder.graphFlops(t, run.encoderLength)).total;
      assert.equal(counted, run.flops.decoder, 'the decoder passes as run, counted from the graph');
      assert.ok(run.flops.decoderWithKvCache < run.flops.decoder);
    }
    assert.ok(r.flopSaving > 0 && r.flopSaving < 1);
    assert.equal(r.flopSaving, 1 - r.merged.flops.total / r.unmerged.flops.total);
  });

  it('compareIds: identical, different, and one a prefix of the other', () => {
    assert.deepEqual(compareIds([1, 2, 3], [1, 2, 3]), { firstDifference: null, agreement: { matching: 3, compared: 3, fraction: 1 } });
    assert.deepEqual(compareIds([1, 2, 3], [1, 9, 3]), { firstDifference: 1, agreement: { matching: 2, compared: 3, fraction: 2 / 3 } });
    assert.deepEqual(compareIds([1, 2], [1, 2, 5, 6]), { firstDifference: 2, agreement: { matching: 2, compared: 4, fraction: 0.5 } });
    assert.deepEqual(compareIds([], []), { firstDifference: null, agreement: { matching: 0, compared: 0, fraction: 1 } });
  });

  it('argmax takes the first of equal maxima (as torch.argmax) and never a NaN', () => {
    assert.equal(argmax([0.5, 2, 2, 1]), 1);
    assert.equal(argmax([NaN, -1, NaN, 3]), 3);
    assert.equal(argmax([-Infinity, -Infinity]), 0);
    assert.throws(() => argmax([NaN, NaN]), /NaN/);
  });

  it('the KV-cached decoder figure: K/V of the encoder output once, one position per step', () => {
    const shape = { dModel: 8, dFf: 16, heads: 2, dKv: 4, gatedFeedForward: false, vocabSize: 10, decoderLayers: 3 };
    // One step with a cache is one pass over one position.
    assert.equal(cachedDecodeFlops(shape, 5, 1), decoderPassFlops(shape, 1, 5).total);
    assert.equal(greedyDecodeFlops(shape, 5, 1), decoderPassFlops(shape, 1, 5).total);
    // Two steps: the second step reuses the memory's K/V and the first position's self K/V.
    const inner = 8;
    const twoSteps = decoderPassFlops(shape, 1, 5).total + 3 * (2 * 4 * 8 * inner + 2 * 2 * 2 * inner + 2 * 2 * 8 * inner + 2 * 2 * 5 * inner + 2 * 2 * 8 * 16) + 2 * 8 * 10;
    assert.equal(cachedDecodeFlops(shape, 5, 2), twoSteps);
    assert.equal(cachedDecodeFlops(shape, 5, 0), 0);
    assert.throws(() => decoderPassFlops(shape, -1, 3), RangeError);
  });
});

describe('generation settings', () => {
  it('generation_config.json wins over config.json; T5 defaults otherwise; bad ids are refused', () => {
    const dir = copyModel('tied-relu');
    assert.deepEqual(readGenerationTokens(dir, {}, 100), { padTokenId: 0, decoderStartTokenId: 0, eosTokenIds: [1] });
    writeFileSync(join(dir, 'generation_config.json'), JSON.stringify({ decoder_start_token_id: 5, eos_token_id: [2, 7] }));
    assert.deepEqual(readGenerationTokens(dir, { pad_token_id: 3, eos_token_id: 9 }, 100), { padTokenId: 3, decoderStartTokenId: 5, eosTokenIds: [2, 7] });
    writeFileSync(join(dir, 'generation_config.json'), JSON.stringify({ eos_token_id: 100 }));
    assert.throws(() => readGenerationTokens(dir, {}, 100), (e: Error) => e instanceof ModelConfigError && /eos_token_id/.test(e.message) && /0 to 99/.test(e.message));
    writeFileSync(join(dir, 'generation_config.json'), '{ not json');
    assert.throws(() => readGenerationTokens(dir, {}, 100), ModelConfigError);
  });

  it('a folder without checkpoint weights cannot generate, and says why', async () => {
    await assert.rejects(T5DecoderRuntime.load(tinyModelDir()), /no checkpoint weights.*generation needs them/);
  });
});
