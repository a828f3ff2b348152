// The report panel's exports (src/extension/report/export.ts): the name the save dialog proposes,
// the text of each format, and the atomic write that never leaves half a report behind.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runReport, type ReportJson } from '../../src/core/report';
import { EXPORT_FORMATS } from '../../src/core/report/messages';
import { defaultExportName, EXPORT_LABELS, exportText, openWith, writeFileAtomic } from '../../src/extension/report/export';
import { CODET5_DIR, REPO_ROOT, codet5 } from '../core/helpers';

let work: string;
let report: ReportJson;
/** A stand-in for the extension's dist/: the HTML export inlines what lies in its media/. */
let dist: string;

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'stl-report-export-'));
  report = await runReport({
    root: join(REPO_ROOT, 'examples', 'python'), tokenizerDir: CODET5_DIR, tokenizerName: codet5().name, modelKey: 'codet5-base',
    scope: 'identifiers', window: { capacity: 510, specials: 2 }, maxFileSize: 1 << 20, includeVendored: false,
    includeGenerated: false, includeUnsupported: false, jobs: 0, topLimit: 20, includeIdentifierTable: false, toolVersion: 'test',
  });
  dist = join(work, 'dist');
  mkdirSync(join(dist, 'media'), { recursive: true });
  writeFileSync(join(dist, 'media', 'report-view.js'), '/* the renderer */');
  writeFileSync(join(dist, 'media', 'report-view.css'), '/* its style */');
});

after(() => rmSync(work, { recursive: true, force: true }));

describe('report export', () => {
  it('proposes a name per format and opens HTML in the browser, the rest in the editor', () => {
    assert.deepEqual(EXPORT_FORMATS.map(defaultExportName), ['subtoken-report.md', 'subtoken-report.csv', 'subtoken-report.json', 'subtoken-report.html']);
    assert.deepEqual(EXPORT_FORMATS.map((f) => EXPORT_LABELS[f]), ['Markdown', 'CSV', 'JSON', 'HTML']);
    assert.deepEqual(EXPORT_FORMATS.map(openWith), ['editor', 'editor', 'editor', 'browser']);
  });

  it('writes each format\'s own text', () => {
    assert.deepEqual(JSON.parse(exportText(report, 'json', dist)), report);
    assert.match(exportText(report, 'md', dist), /^# Subtoken Lens report: python\n/);
    assert.match(exportText(report, 'csv', dist), /^path,language,status,/);
    const html = exportText(report, 'html', dist);
    assert.ok(html.includes('<script>/* the renderer */</script>') && html.includes('<style>/* its style */</style>'), 'the renderer from the given dist/');
    assert.throws(() => exportText(report, 'html', join(work, 'no-dist')), /report renderer is missing .*npm run build/);
  });

  it('replaces the target whole, and leaves no temporary file behind', async () => {
    const target = join(work, 'out', 'subtoken-report.md');
    mkdirSync(join(work, 'out'));
    writeFileSync(target, 'an older report\n');
    await writeFileAtomic(target, 'the new report\n');
    assert.equal(readFileSync(target, 'utf8'), 'the new report\n');
    assert.deepEqual(readdirSync(join(work, 'out')), ['subtoken-report.md']);
  });

  it('on a failed write keeps what was there and cleans up', async () => {
    // A folder where the file should go: the rename fails after the temporary file was written.
    const dir = join(work, 'blocked');
    mkdirSync(join(dir, 'subtoken-report.json'), { recursive: true });
    writeFileSync(join(dir, 'subtoken-report.json', 'keep.txt'), 'kept');
    await assert.rejects(writeFileAtomic(join(dir, 'subtoken-report.json'), '{}'), /EISDIR|ENOTEMPTY|EEXIST|EPERM/);
    assert.deepEqual(readdirSync(dir), ['subtoken-report.json'], 'no temporary file left');
    assert.equal(readFileSync(join(dir, 'subtoken-report.json', 'keep.txt'), 'utf8'), 'kept');
    // A missing folder fails before anything is written.
    await assert.rejects(writeFileAtomic(join(work, 'missing', 'r.md'), 'x'), /ENOENT/);
  });
});
