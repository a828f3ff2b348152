import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { summaryParts } from '../../src/extension/summary';

describe('summaryParts', () => {
  const run = {
    lengthBefore: 20_000, lengthAfter: 15_000, analyticBefore: 4e9, analyticAfter: 3e9, countedBefore: 4e9, countedAfter: 3.1e9,
    latencyBeforeMs: 123.4, latencyAfterMs: 98.7, pooledCosine: 0.98765, provider: 'cpu', requestedProvider: 'cuda', fallbacks: ['cuda'], randomWeights: true,
  };
  const titles = (parts: { title: string }[]) => parts.map((p) => p.title);

  it('splits the header into three short lenses: lengths/FLOPs, latency/provider, output change', () => {
    const parts = summaryParts({ scope: 'file', tokens: 198, merged: 148, modelLabel: 'embedded-small', strategy: 'average', run });
    assert.deepEqual(titles(parts), [
      'File 20,000 → 15,000 positions (−25.0%), FLOPs −25.0%',
      '123 → 98.7 ms (1.25×, cpu fallback)',
      'cos 0.9877 (average) · embedded-small, random weights',
    ]);
    // All of them share one line above the code: together they fit a normal editor width (about
    // 150 characters of CodeLens text at 1,100 px; the e2e test checks the pixels).
    assert.ok(titles(parts).join(' | ').length <= 150, titles(parts).join(' | '));
    assert.match(parts[0]!.tooltip, /−25\.0% analytic, −22\.5% counted/);
    assert.match(parts[1]!.tooltip, /fell back from cuda/);
    assert.match(parts[2]!.tooltip, /mechanical, not semantic/);
    const trained = summaryParts({ scope: 'selection', tokens: 1, merged: 1, modelLabel: 'codet5-base', strategy: 'learned', run: { ...run, fallbacks: [], randomWeights: false } });
    assert.ok(!trained.some((p) => /random|fallback|fell back/.test(p.title + p.tooltip)), JSON.stringify(trained));
    assert.match(trained[0]!.title, /^Selection /);
    // auto tries the GPU providers first: their failing here is no fallback from what was asked.
    const auto = summaryParts({ scope: 'file', tokens: 1, merged: 1, modelLabel: 'embedded-tiny', strategy: 'average', run: { ...run, requestedProvider: 'auto', fallbacks: ['cuda', 'dml'] } });
    assert.equal(auto[1]!.title, '123 → 98.7 ms (1.25×, cpu)');
    assert.match(auto[1]!.tooltip, /auto: cuda, dml could not load here/);
  });

  it('falls back to counts and analytic FLOPs with the reason when the encoder did not run', () => {
    const longReason = `failed to load ${'/very/long/path'.repeat(10)}/encoder_model.onnx: protobuf parsing failed`;
    const parts = summaryParts({ scope: 'selection', tokens: 100, merged: 80, modelLabel: 'CodeT5-small', strategy: 'average', runError: longReason, analyticOnly: { before: 2e9, after: 1.5e9 } });
    assert.equal(parts[0]!.title, 'Selection 100 → 80 subtokens (−20.0%), FLOPs −25.0% (analytic, CodeT5-small)');
    assert.equal(parts[1]!.title, '$(warning) encoder not run (hover for why)');
    assert.ok(parts[1]!.tooltip.endsWith('protobuf parsing failed'));
  });
});
