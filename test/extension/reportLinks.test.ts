// Report links open only files the report lists, inside the folder it scanned.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkReportLink, isInsideFolder } from '../../src/extension/report/links';

const listed = new Set(['user_service.py', 'examples/go/x.go', 'tmp/a.py']);

describe('report links', () => {
  it('accepts a listed relative path and splits it into segments for Uri.joinPath', () => {
    assert.deepEqual(checkReportLink('examples/go/x.go', listed), { ok: true, segments: ['examples', 'go', 'x.go'] });
    assert.deepEqual(checkReportLink('user_service.py', listed), { ok: true, segments: ['user_service.py'] });
  });

  it('refuses absolute paths, URIs, climbing and anything the report does not list', () => {
    const refused: Array<[unknown, RegExp]> = [
      ['/etc/passwd', /absolute/], ['\\\\server\\share', /absolute/], ['C:/x.py', /absolute/], ['file:///etc/passwd', /absolute/],
      ['../outside.py', /"\.\."/], ['examples/../../x', /"\.\."/], ['examples//x.go', /segment/], ['./user_service.py', /segment/],
      ['examples\\go\\x.go', /backslash/], ['a\0b', /NUL/], ['', /not a path/], [42, /not a path/],
      ['secret.py', /not a file of this report/],
    ];
    for (const [p, why] of refused) {
      const r = checkReportLink(p, listed);
      assert.equal(r.ok, false, String(p));
      assert.match((r as { reason: string }).reason, why, String(p));
    }
  });

  it('keeps the joined path inside the folder (a folder named tmp is not the system temp)', () => {
    assert.ok(isInsideFolder('/home/u/tmp', '/home/u/tmp/a.py'));
    assert.ok(isInsideFolder('/home/u/tmp/', '/home/u/tmp/sub/a.py'));
    assert.ok(!isInsideFolder('/home/u/tmp', '/tmp/a.py'));
    assert.ok(!isInsideFolder('/home/u/tmp', '/home/u/tmp2/a.py'), 'a sibling with the same prefix');
    assert.ok(!isInsideFolder('/home/u/tmp', '/home/u/tmp'));
  });
});
