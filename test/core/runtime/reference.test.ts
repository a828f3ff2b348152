// The runtime must reproduce the PyTorch reference outputs of shared/reference/t5-tiny through the
// rewritten (inputs_embeds) graph built from encoder_model.onnx, plainly and with average merging.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type T5EncoderRuntime, loadEncoder, maxAbsDiff } from '../../../src/core/runtime/encoder';
import { averageReducer, mergeEmbeddings } from '../../../src/core/runtime/merge';
import { REF_DIR, readCases, readMergeCases } from './helpers';

const TOL = 1e-5;

describe('t5-tiny reference through the rewritten graph', () => {
  let rt: T5EncoderRuntime;
  before(async () => { rt = await loadEncoder(REF_DIR, { device: 'cpu' }); });
  after(async () => { await rt.release(); });

  it('finds the embedding Gather by structure and proves the rewrite on load', () => {
    assert.equal(rt.info.gatherNode, '/encoder/shared/Gather');
    assert.equal(rt.info.vocabSize, 32100);
    assert.equal(rt.info.dModel, 64);
    assert.ok(rt.info.proof, 'probe ran');
    assert.ok(rt.info.proof.maxAbsDiff <= 1e-6, `probe diff ${rt.info.proof.maxAbsDiff}`);
  });

  it('keeps the embedding matrix byte-identical to embeddings.f32', () => {
    const raw = readFileSync(join(REF_DIR, 'embeddings.f32'));
    const ref = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
    assert.equal(maxAbsDiff(rt.embeddings, ref), 0);
  });

  for (const c of readCases()) {
    it(`reproduces ${c.name} within ${TOL}`, async () => {
      const batch = c.input_ids.length;
      const seq = c.input_ids[0]!.length;
      const out = await rt.run({ embeds: rt.embed(c.input_ids.flat()), batch, seq, mask: c.attention_mask.flat() });
      assert.deepEqual([batch, seq, 64], c.last_hidden_state.shape);
      const diff = maxAbsDiff(out, c.last_hidden_state.data);
      console.log(`  ${c.name}: max abs diff ${diff.toExponential(2)}`);
      assert.ok(diff <= TOL, `${c.name}: ${diff}`);
    });
  }

  it('reproduces merge_cases (average merging) within tolerance', async () => {
    for (const c of readMergeCases()) {
      const ids = (c.input_ids as number[][]).flat();
      const merged = mergeEmbeddings(rt.embed(ids), 64, c.groups, averageReducer);
      assert.equal(merged.length, c.merged_length);
      assert.deepEqual(Array.from(merged.mergedToOriginal), c.merged_positions);
      // Float32 means are bit-exact against torch.mean for these groups.
      assert.equal(maxAbsDiff(merged.embeds, c.merged_inputs_embeds.data), 0);
      const out = await rt.run({ embeds: merged.embeds, batch: 1, seq: merged.length });
      const diff = maxAbsDiff(out, c.last_hidden_state.data);
      const unmerged = await rt.run({ embeds: rt.embed(ids), batch: 1, seq: ids.length });
      const diffU = maxAbsDiff(unmerged, c.unmerged_last_hidden_state.data);
      console.log(`  ${c.name}: merged max abs diff ${diff.toExponential(2)}, unmerged ${diffU.toExponential(2)}`);
      assert.ok(diff <= TOL && diffU <= TOL);
    }
  });

  it('rejects ids outside the vocabulary', () => {
    assert.throws(() => rt.embed([1, 32100]), /outside the model's vocabulary/);
    assert.throws(() => rt.embed([-1]), /outside/);
  });
});
