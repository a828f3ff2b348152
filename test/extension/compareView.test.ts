// The compare panel's pure parts: its HTML shell (the report webview's policy), the messages it
// accepts, the bundle it loads, and the settings that tune the runs it shows.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseFromCompareWebview } from '../../src/core/runtime/compare-messages';
import { modelConfig } from '../../src/core/flops';
import { COMPARE_VIEW_FILES } from '../../src/extension/compareViewAssets';
import { compareHtml } from '../../src/extension/compareViewHtml';
import { runTuning, withDecoder } from '../../src/extension/runTuning';
import { DEFAULT_SETTINGS, parseSettings } from '../../src/extension/settings';

describe('compare webview shell', () => {
  const html = compareHtml({ cspSource: 'vscode-resource:', scriptUri: 'vscode-resource:/d/compare-view.js', styleUri: 'vscode-resource:/d/compare-view.css', nonce: 'n0nce' });

  it('has the report\'s strict CSP: nothing by default, the one script by nonce, nothing remote', () => {
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)![1]!;
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'nonce-n0nce'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|https?:/);
    assert.deepEqual(html.match(/<script[^>]*>/g), ['<script nonce="n0nce" src="vscode-resource:/d/compare-view.js">']);
    assert.doesNotMatch(html, /\son[a-z]+=/i, 'no inline event handler');
    assert.match(html, /<link rel="stylesheet" href="vscode-resource:\/d\/compare-view.css">/);
    assert.match(html, /<main id="compare-root"><\/main>/);
    assert.match(html, /<button id="compare"[^>]*>Compare Strategies<\/button>/);
    assert.match(html, /<button id="sweep"[^>]*>Sweep Merge Layer<\/button>/);
  });

  it('loads the bundle npm run build writes', () => {
    assert.deepEqual(COMPARE_VIEW_FILES.script, ['dist', 'media', 'compare-view.js']);
    assert.deepEqual(COMPARE_VIEW_FILES.style, ['dist', 'media', 'compare-view.css']);
  });

  it('accepts only the three messages it knows', () => {
    for (const type of ['ready', 'compare', 'sweep'] as const) assert.deepEqual(parseFromCompareWebview({ type, extra: 1 }), { type });
    for (const bad of [null, 'sweep', {}, { type: 'export' }, { type: 'openFile', path: 'x' }]) assert.equal(parseFromCompareWebview(bad), undefined);
  });
});

describe('run tuning from the settings', () => {
  const t5 = withDecoder(modelConfig('codet5-small'), 6);

  it('defaults: the model\'s own profile (classify for CodeT5) and a 1 s timing budget', () => {
    assert.equal(DEFAULT_SETTINGS.flopProfile, 'default');
    assert.equal(DEFAULT_SETTINGS.outputLength, 128);
    assert.equal(DEFAULT_SETTINGS.timingBudgetMs, 1000);
    assert.deepEqual(runTuning(DEFAULT_SETTINGS, t5), { profile: 'classify', timeBudgetMs: 1000 });
  });

  it('a runtime config without a decoder gets the encoder\'s depth; an encoder-only key keeps none', () => {
    const runtimeShaped = { ...modelConfig('codet5-small'), decoderLayers: 0 };
    assert.equal(withDecoder(runtimeShaped, 6).decoderLayers, 6);
    assert.equal(runTuning({ ...DEFAULT_SETTINGS }, { ...modelConfig('codebert') }).profile, 'encoder');
  });

  it('seq2seq carries the output length; other profiles do not', () => {
    const { settings, problems } = parseSettings((k) => ({ flopProfile: 'seq2seq', outputLength: 64, timingBudgetMs: 0 } as Record<string, unknown>)[k]);
    assert.deepEqual(problems, []);
    assert.deepEqual(runTuning(settings, t5), { profile: 'seq2seq', outputLength: 64, timeBudgetMs: 0 });
    assert.deepEqual(runTuning({ ...settings, flopProfile: 'encoder' }, t5), { profile: 'encoder', timeBudgetMs: 0 });
  });

  it('refuses values out of range, naming the setting', () => {
    const { settings, problems } = parseSettings((k) => ({ flopProfile: 'decoder', outputLength: 0, timingBudgetMs: -5 } as Record<string, unknown>)[k]);
    assert.deepEqual([settings.flopProfile, settings.outputLength, settings.timingBudgetMs], ['default', 128, 1000]);
    assert.equal(problems.length, 3);
    assert.match(problems.join('\n'), /subtokenLens\.flopProfile: "decoder" is not one of default, encoder, seq2seq, classify/);
  });
});
