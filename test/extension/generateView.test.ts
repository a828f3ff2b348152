// "Generate With and Without Merging": the Markdown it shows, the message for a model without a
// decoder, and the merge-layer setting it runs with (parsed, and refused past the model's blocks).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareIds, type GenerationComparison, type GenerationRun } from '../../src/core/runtime/generate';
import { generationMarkdown, noDecoderMessage, type GenerationView } from '../../src/extension/generateView';
import { mergeLayerRefusal } from '../../src/extension/mergeLayer';
import { DEFAULT_SETTINGS, parseSettings } from '../../src/extension/settings';

function run(ids: number[], encoderLength: number, encoder: number, decoder: number): GenerationRun {
  return {
    ids, stoppedBy: ids.at(-1) === 1 ? 'eos' : 'max-new-tokens', encoderLength,
    flops: { encoder, decoder, total: encoder + decoder, decoderWithKvCache: decoder / 2 }, ms: { encoder: 1, decoder: 2 },
  };
}

function view(unmergedIds: number[], mergedIds: number[], extra: Partial<GenerationView> = {}, mergeLayer = 0): GenerationView {
  const unmerged = run(unmergedIds, 12, 2e6, 3e6);
  const merged = run(mergedIds, 9, 1.5e6, 2.5e6);
  const comparison: GenerationComparison = {
    unmerged, merged, ...compareIds(unmergedIds, mergedIds), flopSaving: 1 - merged.flops.total / unmerged.flops.total, mergeLayer,
  };
  return {
    source: 'add.py, add_numbers (lines 1–2)', model: 'codet5-base-multi-sum', randomWeights: false, strategy: 'average',
    comparison, texts: { unmerged: 'Add two numbers.', merged: 'Add two values.' }, groups: 3, truncatedTokens: 0, ...extra,
  };
}

describe('generationMarkdown', () => {
  it('shows both outputs side by side with the first difference, agreement and the FLOPs of each run', () => {
    const md = generationMarkdown(view([5, 6, 7, 1], [5, 6, 8, 1]));
    assert.match(md, /^\| \| Unmerged \| Merged \|$/m);
    assert.match(md, /^\| Output \| "Add two numbers\." \| "Add two values\." \|$/m);
    assert.match(md, /^\| Encoder positions \| 12 \| 9 \|$/m);
    assert.match(md, /^\| Tokens generated \| 4 \(stopped by <\/s>\) \| 4 \(stopped by <\/s>\) \|$/m);
    assert.match(md, /^\| Encoder FLOPs \| 2\.00 MFLOP \| 1\.50 MFLOP \|$/m);
    assert.match(md, /^\| Total FLOPs \| 5\.00 MFLOP \| 4\.00 MFLOP \|$/m);
    assert.match(md, /First difference\*\* at generated token 2; token agreement 3\/4 \(75\.0%\)/);
    assert.match(md, /FLOPs saved by merging: 20\.0%/);
    assert.match(md, /3 identifier\(s\) merged \(average, at the embeddings\)/);
    assert.doesNotMatch(md, /Random weights/);
  });

  it('says when the outputs agree, names the merge layer, labels random weights and a cut input', () => {
    const md = generationMarkdown(view([5, 6, 7], [5, 6, 7], { randomWeights: true, truncatedTokens: 40 }, 2));
    assert.match(md, /\*\*Same output\*\*: all 3 generated tokens agree\./);
    assert.doesNotMatch(md, /First difference/);
    assert.match(md, /after encoder block 2/);
    assert.match(md, /\*\*Random weights\*\*: these outputs are not those of a trained model/);
    assert.match(md, /first encoder window was used: 40 token\(s\) left out/);
    assert.match(md, /stopped by token limit/);
  });

  it('keeps model text from breaking the table or the code fences', () => {
    const texts = { unmerged: 'a | b\n```js\n*x*', merged: '<img src=x>' };
    const md = generationMarkdown(view([5], [6], { texts }));
    const outputRow = md.split('\n').find((l) => l.startsWith('| Output'))!;
    assert.equal(outputRow.split(/(?<!\\)\|/).length, 5, 'three cells: an escaped | does not split the row');
    assert.match(outputRow, /\\\*x\\\*/);
    assert.match(outputRow, /\\<img src=x\\>/);
    // The ``` inside the text sits inside a longer fence.
    assert.match(md, /^````text\na \| b\n```js\n\*x\*\n````$/m);
  });
});

describe('noDecoderMessage', () => {
  it('says why the model cannot generate and what is needed, for embedded models and ONNX exports', () => {
    assert.match(noDecoderMessage('embedded-tiny', 'embedded'), /embedded-tiny is a shipped encoder-only model, so it has no decoder/);
    const onnx = noDecoderMessage('t5-export', 'onnx-export');
    assert.match(onnx, /t5-export is an ONNX encoder export, so it has no decoder/);
    assert.match(onnx, /model\.safetensors or pytorch_model\.bin/);
  });
});

describe('subtokenLens.mergeLayer', () => {
  it('is a whole number ≥ 0, default 0; anything else falls back with a problem', () => {
    assert.equal(DEFAULT_SETTINGS.mergeLayer, 0);
    assert.equal(parseSettings((k) => (k === 'mergeLayer' ? 3 : undefined)).settings.mergeLayer, 3);
    for (const bad of [-1, 1.5, '2']) {
      const { settings, problems } = parseSettings((k) => (k === 'mergeLayer' ? bad : undefined));
      assert.equal(settings.mergeLayer, 0);
      assert.match(problems.join('\n'), /subtokenLens\.mergeLayer: .* is not a whole number ≥ 0/);
    }
  });

  it('is refused past the model\'s blocks, with the range in the message', () => {
    assert.equal(mergeLayerRefusal(0, 6, 'codet5-small'), undefined);
    assert.equal(mergeLayerRefusal(6, 6, 'codet5-small'), undefined);
    assert.match(mergeLayerRefusal(7, 6, 'codet5-small')!, /subtokenLens\.mergeLayer is 7, but codet5-small has 6 encoder blocks: set it from 0 .* to 6/);
  });
});
