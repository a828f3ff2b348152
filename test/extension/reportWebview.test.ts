import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { makeNonce, REPORT_VIEW_FILES, reportHtml } from '../../src/extension/report/html';
import { parseFromWebview } from '../../src/core/report/messages';

const repo = resolve(__dirname, '..', '..');

describe('report webview', () => {
  const html = reportHtml({ cspSource: 'vscode-resource:', scriptUri: 'vscode-resource:/d/report-view.js', styleUri: 'vscode-resource:/d/report-view.css', nonce: 'abc123' });

  it('sets a strict CSP: nothing by default, the one script only by nonce, nothing remote', () => {
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)![1]!;
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'nonce-abc123'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|https?:/);
    const scripts = html.match(/<script[^>]*>/g)!;
    assert.deepEqual(scripts, ['<script nonce="abc123" src="vscode-resource:/d/report-view.js">']);
    assert.doesNotMatch(html, /https?:\/\//);
    assert.doesNotMatch(html, /\son[a-z]+=/i, 'no inline event handler');
  });

  it('loads the renderer bundle that npm run build writes (the one the HTML export inlines)', () => {
    assert.deepEqual(REPORT_VIEW_FILES.script, ['dist', 'media', 'report-view.js']);
    assert.deepEqual(REPORT_VIEW_FILES.style, ['dist', 'media', 'report-view.css']);
    assert.match(html, /<link rel="stylesheet" href="vscode-resource:\/d\/report-view.css">/);
    // The e2e tests and the renderer meet on these: the export buttons, re-run and the container.
    for (const f of ['md', 'csv', 'json', 'html']) assert.match(html, new RegExp(`<button data-export="${f}">`));
    assert.match(html, /<button id="rerun">/);
    assert.match(html, /<main id="report"><\/main>/);
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
    assert.deepEqual(parseFromWebview({ type: 'openFile', path: 'src/a.py' }), { type: 'openFile', path: 'src/a.py' });
    assert.deepEqual(parseFromWebview({ type: 'findIdentifier', name: 'user_name' }), { type: 'findIdentifier', name: 'user_name' });
    for (const name of ['', 42, undefined, 'x'.repeat(1001)]) assert.equal(parseFromWebview({ type: 'findIdentifier', name }), undefined, String(name));
    for (const path of ['../outside.py', 'src/../../x', '/etc/passwd', 'C:\\x.py']) {
      assert.equal(parseFromWebview({ type: 'openFile', path }), undefined, path);
    }
  });

  it('the webview code type-checks as browser code (DOM, no Node) against the message unions', { timeout: 120_000 }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'sl-webview-tsc-'));
    try {
      // A probe posting a message outside the union through the bridge's API type proves the check can fail.
      const probe = join(dir, 'probe.ts');
      writeFileSync(probe, `import type { VsCodeApi } from ${JSON.stringify(join(repo, 'src', 'webview', 'vscode-bridge'))};
export function probe(api: VsCodeApi): void { api.postMessage({ type: 'export', format: 'exe' }); }
`);
      const webview = readdirSync(join(repo, 'src', 'webview')).filter((f) => f.endsWith('.ts')).map((f) => join(repo, 'src', 'webview', f));
      assert.ok(webview.some((f) => f.endsWith('report-view.ts')), webview.join());
      const config = join(dir, 'tsconfig.json');
      writeFileSync(config, JSON.stringify({
        compilerOptions: {
          target: 'ES2022', module: 'ESNext', moduleResolution: 'Bundler', lib: ['ES2022', 'DOM'],
          noEmit: true, strict: true, skipLibCheck: true, types: [], noUnusedLocals: true, noUncheckedIndexedAccess: true,
        },
        files: [...webview, probe],
      }));
      const tsc = require.resolve('typescript/bin/tsc');
      const r = spawnSync(process.execPath, [tsc, '-p', config, '--pretty', 'false'], { encoding: 'utf8', timeout: 110_000 });
      const errors = r.stdout.split('\n').filter((l) => /error TS/.test(l));
      assert.ok(errors.some((l) => l.includes('probe.ts') && /TS2322/.test(l)), `the probe should fail to type-check:\n${r.stdout}${r.stderr}`);
      assert.deepEqual(errors.filter((l) => !l.includes('probe.ts')), [], 'the webview code itself has no type errors');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
