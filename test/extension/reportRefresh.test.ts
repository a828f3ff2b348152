// Refresh-on-save of the workspace report (src/extension/report/refresh.ts): saves close together
// give one refresh, a save during a scan waits for it, nothing fires after dispose.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RefreshOnSave } from '../../src/extension/report/refresh';

function host(busy = false) {
  const h = { busy, refreshes: 0, refresh: async () => { h.refreshes++; } };
  return h;
}

test('saves within the delay give one refresh, after the last save', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const h = host();
  const r = new RefreshOnSave({ busy: () => h.busy, refresh: h.refresh }, 400);
  r.saved();
  t.mock.timers.tick(300);
  r.saved();
  t.mock.timers.tick(300);
  assert.equal(h.refreshes, 0, 'the second save restarted the delay');
  t.mock.timers.tick(100);
  assert.equal(h.refreshes, 1);
  t.mock.timers.tick(5000);
  assert.equal(h.refreshes, 1);
  r.dispose();
});

test('a save during a scan refreshes once the scan is over', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const h = host(true);
  const r = new RefreshOnSave({ busy: () => h.busy, refresh: h.refresh }, 400);
  r.saved();
  t.mock.timers.tick(2000);
  assert.equal(h.refreshes, 0);
  h.busy = false;
  t.mock.timers.tick(400);
  assert.equal(h.refreshes, 1);
  r.dispose();
});

test('nothing fires after dispose', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const h = host();
  const r = new RefreshOnSave({ busy: () => h.busy, refresh: h.refresh }, 400);
  r.saved();
  r.dispose();
  r.saved();
  t.mock.timers.tick(10_000);
  assert.equal(h.refreshes, 0);
});
