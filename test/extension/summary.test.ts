import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { staleLens, SUMMARY_LENS_BUDGET, summaryParts } from '../../src/extension/summary';

describe('summaryParts', () => {
  const run = {
    lengthBefore: 20_000, lengthAfter: 15_000, analyticBefore: 4e9, analyticAfter: 3e9, countedBefore: 4e9, countedAfter: 3.1e9,
    latencyBeforeMs: 123.4, latencyAfterMs: 98.7, pooledCosine: 0.98765, provider: 'cpu', requestedProvider: 'cuda', fallbacks: ['cuda'], randomWeights: true,
  };
  const titles = (parts: { title: string }[]) => parts.map((p) => p.title);

  it('splits the header into three short lenses: model (caveat first), lengths/FLOPs, latency/output change', () => {
    const parts = summaryParts({ scope: 'file', tokens: 198, merged: 148, modelLabel: 'embedded-small', strategy: 'average', run });
    assert.deepEqual(titles(parts), [
      'embedded-small, random weights',
      'File 20,000 → 15,000 positions (−25.0%), FLOPs −25.0%',
      '123 → 98.7 ms (1.25×, cpu fallback), cos 0.9877 (average)',
    ]);
    // All of them share one line above the code, which VS Code clips at the editor's edge: together
    // they fit the budget, and the random-weights caveat is first, where clipping cannot reach it.
    assert.ok(titles(parts).join(' | ').length <= SUMMARY_LENS_BUDGET, titles(parts).join(' | '));
    assert.match(parts[0]!.tooltip, /mechanical, not semantic/);
    parts.shift();
    assert.match(parts[0]!.tooltip, /−25\.0% analytic, −22\.5% counted/);
    assert.match(parts[1]!.tooltip, /fell back from cuda/);
    assert.match(parts[1]!.tooltip, /Output change: cosine similarity/);
    const trained = summaryParts({ scope: 'selection', tokens: 1, merged: 1, modelLabel: 'codet5-base', strategy: 'learned', run: { ...run, fallbacks: [], randomWeights: false } });
    assert.ok(!trained.some((p) => /random|fallback|fell back/.test(p.title + p.tooltip)), JSON.stringify(trained));
    assert.equal(trained[0]!.title, 'codet5-base');
    assert.match(trained[1]!.title, /^Selection /);
    // auto tries the GPU providers first: their failing here is no fallback from what was asked.
    const auto = summaryParts({ scope: 'file', tokens: 1, merged: 1, modelLabel: 'embedded-tiny', strategy: 'average', run: { ...run, requestedProvider: 'auto', fallbacks: ['cuda', 'dml'] } });
    assert.equal(auto[2]!.title, '123 → 98.7 ms (1.25×, cpu), cos 0.9877 (average)');
    assert.match(auto[2]!.tooltip, /auto: cuda, dml could not load here/);
  });

  it('falls back to counts and analytic FLOPs with the reason when the encoder did not run', () => {
    const longReason = `failed to load ${'/very/long/path'.repeat(10)}/encoder_model.onnx: protobuf parsing failed`;
    const parts = summaryParts({ scope: 'selection', tokens: 100, merged: 80, modelLabel: 'CodeT5-small', strategy: 'average', runError: longReason, analyticOnly: { before: 2e9, after: 1.5e9 } });
    assert.equal(parts[0]!.title, 'Selection 100 → 80 subtokens (−20.0%), FLOPs −25.0% (analytic, CodeT5-small)');
    assert.equal(parts[1]!.title, '$(warning) encoder not run (hover for why)');
    assert.ok(parts[1]!.tooltip.endsWith('protobuf parsing failed'));
  });

  it('keeps the longest header within the budget: a selection, five-digit lengths, a fallback, a long model name', () => {
    const parts = summaryParts({
      scope: 'selection', tokens: 1, merged: 1, modelLabel: 'embedded-small', strategy: 'learned',
      run: { ...run, latencyBeforeMs: 1234.5, latencyAfterMs: 98.7 },
    });
    const line = titles(parts).join(' | ');
    assert.ok(line.length <= SUMMARY_LENS_BUDGET, `${line.length} characters: ${line}`);
    assert.equal(parts[0]!.title, 'embedded-small, random weights');
  });

  it('says "stale" on the header once the code changed, and what a click does', () => {
    const lens = staleLens('selection');
    assert.match(lens.title, /stale/);
    assert.match(lens.title, /click to re-run/);
    assert.ok(lens.title.replace(/\$\([\w-]+\) /, '').length <= 70, lens.title);
    assert.match(lens.tooltip, /selection changed after the analysis/);
  });
});
