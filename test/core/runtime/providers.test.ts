// Execution-provider resolution and the CPU fallback (onnxruntime-node throws for a provider it
// cannot load instead of falling back).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { InferenceSession } from 'onnxruntime-node';
import { loadEncoder } from '../../../src/core/runtime/encoder';
import { autoProviders, createSessionWithFallback, providersForDevice } from '../../../src/core/runtime/providers';
import { REF_DIR } from './helpers';

describe('execution providers', () => {
  it('resolves auto per platform, CPU last', () => {
    assert.deepEqual(autoProviders('linux', 'x64'), ['cuda', 'cpu']);
    assert.deepEqual(autoProviders('linux', 'arm64'), ['cpu']);
    assert.deepEqual(autoProviders('win32', 'x64'), ['dml', 'cpu']);
    assert.deepEqual(autoProviders('darwin', 'arm64'), ['coreml', 'cpu']);
    assert.deepEqual(providersForDevice('cpu'), ['cpu']);
    assert.deepEqual(providersForDevice('dml'), ['dml', 'cpu']);
    assert.throws(() => providersForDevice('webgpu'), /Unknown provider "webgpu". Valid: auto, cpu, cuda, dml, coreml/);
  });

  it('refuses the names Object.prototype carries instead of returning its members', () => {
    for (const name of ['toString', 'constructor', 'hasOwnProperty', '__proto__', 'valueOf']) {
      assert.throws(() => providersForDevice(name), new RegExp(`^Error: Unknown provider "${name}"\\. Valid: auto, cpu`), name);
    }
  });

  it('records each failure and falls back to the next provider', async () => {
    const tried: string[] = [];
    const fake = {} as InferenceSession;
    const r = await createSessionWithFallback(new Uint8Array(), 'coreml', async (_m, p) => {
      tried.push(p);
      if (p !== 'cpu') throw new Error(`${p} not built in\nsecond line`);
      return fake;
    });
    assert.deepEqual(tried, ['coreml', 'cpu']);
    assert.equal(r.provider, 'cpu');
    assert.equal(r.session, fake);
    assert.deepEqual(r.failed, [{ provider: 'coreml', reason: 'coreml not built in' }]);
    await assert.rejects(createSessionWithFallback(new Uint8Array(), 'cpu', async () => { throw new Error('broken'); }), /any provider: cpu: broken/);
  });

  it('asking for CUDA on a machine without it runs on the CPU and says why', async (t) => {
    if (process.platform !== 'linux' || process.arch !== 'x64') return t.skip('CUDA is only tried on linux-x64');
    const rt = await loadEncoder(REF_DIR, { device: 'cuda', probe: false });
    try {
      if (rt.info.provider === 'cuda') return t.skip('CUDA is available here');
      assert.equal(rt.info.provider, 'cpu');
      assert.equal(rt.info.providerFailures[0]!.provider, 'cuda');
      assert.ok(rt.info.providerFailures[0]!.reason.length > 0);
    } finally {
      await rt.release();
    }
  });
});
