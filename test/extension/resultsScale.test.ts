import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { colorContributions } from '../../src/extension/colors';
import { cssVariable, legendLine, legendMarkdown, scaleColours, scaleFor, scaleStep, swatches } from '../../src/extension/resultsScale';

describe('analysis colour scale and legend', () => {
  it('uses the green-to-red scale only for a trained model that ran', () => {
    const trained = scaleFor({ encoderRan: true, randomWeights: false, worst: 0.01 });
    assert.equal(trained.kind, 'change');
    const random = scaleFor({ encoderRan: true, randomWeights: true, worst: 0.01 });
    assert.equal(random.kind, 'neutral');
    assert.equal(random.randomWeights, true);
    const counts = scaleFor({ encoderRan: false, randomWeights: false, worst: 6 });
    assert.deepEqual([counts.kind, counts.measure, counts.randomWeights], ['neutral', 'subtokens', false]);
    assert.notDeepEqual(scaleColours(trained), scaleColours(random));
    // Every colour the scales use is contributed (with light and dark defaults), so the theme resolves it.
    const contributed = new Map(colorContributions().map((c) => [(c as { id: string }).id, c as { defaults: Record<string, string> }]));
    for (const id of [...scaleColours(trained), ...scaleColours(random)]) {
      const c = contributed.get(id);
      assert.ok(c, id);
      assert.match(c.defaults.light!, /^#[0-9a-f]{8}$/);
      assert.match(c.defaults.dark!, /^#[0-9a-f]{8}$/);
    }
  });

  it('puts a value on its step, the largest on the last', () => {
    const s = scaleFor({ encoderRan: true, randomWeights: false, worst: 0.01 });
    assert.deepEqual([0, 0.0019, 0.002, 0.0059, 0.0099, 0.01, 0.5].map((v) => scaleStep(s, v)), [0, 0, 1, 2, 4, 4, 4]);
  });

  it('explains a trained model\'s colour: its value, its step and the two ends, with swatches in theme colours', () => {
    const s = scaleFor({ encoderRan: true, randomWeights: false, worst: 0.0123 });
    const md = legendMarkdown(s, 0.005);
    assert.match(md, /^Colour: output change after merging 1−cos 0\.00500, step 3 of 5/);
    assert.match(md, /green ≈ 0 \(unchanged\) → red 1−cos 0\.0123 \(the largest in this analysis\)/);
    assert.doesNotMatch(md, /random|mechanical/i);
    // VS Code keeps only `background-color:var(--vscode-…);` on a span: each swatch must be that exact form.
    const spans = md.match(/<span[^>]*>/g) ?? [];
    assert.equal(spans.length, 5);
    for (const span of spans) assert.match(span, /^<span style="background-color:var\(--vscode(-[a-zA-Z0-9]+)+\);">$/);
    assert.ok(md.includes(`[<span style="background-color:${cssVariable(scaleColours(s)[2]!)};">`), 'the value\'s step is marked');
    assert.equal(cssVariable('subtokenLens.changeScale3'), 'var(--vscode-subtokenLens-changeScale3)');
  });

  it('says a random-weight model\'s colours are mechanical, on the neutral scale', () => {
    const s = scaleFor({ encoderRan: true, randomWeights: true, worst: 0.02 });
    const md = legendMarkdown(s, 0.02);
    assert.match(md, /step 5 of 5/);
    assert.match(md, /faint ≈ 0 \(unchanged\) → strong 1−cos 0\.0200/);
    assert.match(md, /Random weights: colours are mechanical, not semantic/);
    assert.doesNotMatch(md, /green|red/);
    assert.ok(swatches(s, 4).includes('neutralScale5'));
    assert.match(legendLine(s), /^Colour = output change after merging: faint .* random weights: colours are mechanical, not semantic$/);
  });

  it('says what the colour counts when the encoder did not run', () => {
    const s = scaleFor({ encoderRan: false, randomWeights: false, worst: 6 });
    const md = legendMarkdown(s, 4);
    assert.match(md, /^Colour: 4 subtokens merged into one position, step 4 of 5/);
    assert.match(md, /faint 2 subtokens → strong 6\+/);
    assert.match(md, /encoder did not run/);
    assert.equal(legendLine(s), 'Colour = subtokens merged: faint 2 subtokens → strong 6+ (encoder not run)');
  });
});
