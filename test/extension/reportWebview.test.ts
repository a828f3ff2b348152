import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeNonce, reportHtml } from '../../src/extension/report/html';
import { parseFromWebview } from '../../src/extension/report/messages';

describe('report webview', () => {
  const html = reportHtml({ cspSource: 'vscode-resource:', scriptUri: 'vscode-resource:/m/report.js', styleUri: 'vscode-resource:/m/report.css', chartUri: 'vscode-resource:/d/chart.js', nonce: 'abc123' });

  it('sets a strict CSP: nothing by default, scripts only by nonce, nothing remote', () => {
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)![1]!;
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'nonce-abc123'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|https?:/);
    const scripts = html.match(/<script[^>]*>/g)!;
    assert.equal(scripts.length, 2);
    for (const s of scripts) assert.match(s, /nonce="abc123"/);
    assert.doesNotMatch(html, /https?:\/\//);
  });

  it('makes unpredictable nonces', () => {
    const a = makeNonce();
    assert.ok(a.length >= 20);
    assert.notEqual(a, makeNonce());
  });

  it('accepts only well-formed messages', () => {
    assert.deepEqual(parseFromWebview({ type: 'export', format: 'csv' }), { type: 'export', format: 'csv' });
    assert.equal(parseFromWebview({ type: 'export', format: 'exe' }), undefined);
    assert.equal(parseFromWebview({ type: 'openFile', path: '' }), undefined);
    assert.equal(parseFromWebview('ready'), undefined);
    assert.deepEqual(parseFromWebview({ type: 'ready' }), { type: 'ready' });
  });
});
