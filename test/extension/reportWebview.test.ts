import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { makeNonce, reportHtml } from '../../src/extension/report/html';
import { parseFromWebview } from '../../src/core/report/messages';

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
    assert.deepEqual(parseFromWebview({ type: 'openFile', path: 'src/a.py' }), { type: 'openFile', path: 'src/a.py' });
    for (const path of ['../outside.py', 'src/../../x', '/etc/passwd', 'C:\\x.py']) {
      assert.equal(parseFromWebview({ type: 'openFile', path }), undefined, path);
    }
  });

  it('media/report.js type-checks against the message unions in src/core/report/messages.ts', () => {
    const repo = resolve(__dirname, '..', '..');
    const dir = mkdtempSync(join(tmpdir(), 'sl-webview-tsc-'));
    try {
      // A probe posting a message outside the union proves the check can fail.
      const probe = join(dir, 'probe.js');
      writeFileSync(probe, `// @ts-check
/** @typedef {import(${JSON.stringify(join(repo, 'src', 'core', 'report', 'messages'))}).FromWebview} FromWebview */
/** @param {FromWebview} m */
function post(m) { return m; }
post({ type: 'export', format: 'exe' });
`);
      const config = join(dir, 'tsconfig.json');
      writeFileSync(config, JSON.stringify({
        compilerOptions: {
          target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2022', 'DOM', 'DOM.Iterable'],
          allowJs: true, checkJs: true, noEmit: true, strict: true, skipLibCheck: true, types: [],
        },
        files: [join(repo, 'media', 'report.js'), probe],
      }));
      const tsc = require.resolve('typescript/bin/tsc');
      const r = spawnSync(process.execPath, [tsc, '-p', config, '--pretty', 'false'], { encoding: 'utf8' });
      const errors = r.stdout.split('\n').filter((l) => /error TS/.test(l));
      assert.ok(errors.some((l) => l.includes('probe.js')), `the probe should fail to type-check:\n${r.stdout}${r.stderr}`);
      assert.deepEqual(errors.filter((l) => l.includes('report.js')), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
