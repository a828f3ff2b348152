import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { summaryParts } from '../../src/extension/summary';

describe('summaryParts', () => {
  const run = {
    lengthBefore: 200, lengthAfter: 150, analyticBefore: 4e9, analyticAfter: 3e9, countedBefore: 4e9, countedAfter: 3.1e9,
    latencyBeforeMs: 10, latencyAfterMs: 8, pooledCosine: 0.98765, provider: 'cpu', fallbacks: ['cuda'], randomWeights: true,
  };

  it('labels random-weight numbers and says which provider ran', () => {
    const parts = summaryParts({ scope: 'file', tokens: 198, merged: 148, modelLabel: 'embedded-tiny', strategy: 'average', run });
    assert.ok(parts.includes('File: 200 → 150 positions (−25.0%)'), parts.join('\n'));
    assert.ok(parts.some((p) => p.includes('−25.0% analytic, −22.5% counted')), parts.join('\n'));
    assert.ok(parts.some((p) => p.includes('1.25×, cpu; fell back from cuda')), parts.join('\n'));
    assert.ok(parts.includes('Pooled cosine 0.9877 (average)'));
    assert.ok(parts.includes('embedded-tiny · random weights'));
    const trained = summaryParts({ scope: 'file', tokens: 1, merged: 1, modelLabel: 'codet5-base', strategy: 'average', run: { ...run, randomWeights: false } });
    assert.ok(!trained.some((p) => /random/.test(p)));
  });

  it('falls back to counts and analytic FLOPs with the reason when the encoder did not run', () => {
    const parts = summaryParts({ scope: 'selection', tokens: 100, merged: 80, modelLabel: 'CodeT5-small', strategy: 'average', runError: 'no model', analyticOnly: { before: 2e9, after: 1.5e9 } });
    assert.equal(parts[0], 'Selection: 100 → 80 subtokens (−20.0%)');
    assert.match(parts[1]!, /−25\.0% analytic, CodeT5-small/);
    assert.equal(parts[2], 'Encoder not run: no model');
  });
});
