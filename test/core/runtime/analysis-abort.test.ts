// Cancelling an analysis: analyzeFile checks its AbortSignal before every encoder run and window,
// so an abort stops it within one run and rejects with an AbortError.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { analyzeFile } from '../../../src/core/runtime/analysis';
import { type RunInput, type T5EncoderRuntime, loadEncoder } from '../../../src/core/runtime/encoder';
import { averageReducer } from '../../../src/core/runtime/merge';
import { tinyModelDir } from './helpers';

// Two windows (600 content tokens), a few groups: 2 windows × (unmerged + 1 strategy) × (warmup + runs).
const INPUT = {
  ids: Array.from({ length: 600 }, (_, i) => (i * 31 + 7) % 32000 + 3),
  groups: [[4, 5, 6], [20, 21], [515, 516, 517, 518]],
};
const RUNS = 2;
const WARMUP = 1;
const TOTAL_RUNS = 2 * 2 * (WARMUP + RUNS);

describe('analyzeFile cancellation', () => {
  let rt: T5EncoderRuntime;
  let calls = 0;
  /** Called before each encoder run with its 1-based number. */
  let onRun: (n: number) => void = () => undefined;

  before(async () => {
    rt = await loadEncoder(tinyModelDir(), { device: 'cpu', probe: false });
    const original = rt.run.bind(rt);
    rt.run = (input: RunInput) => {
      calls++;
      onRun(calls);
      return original(input);
    };
  });
  after(async () => { await rt.release(); });

  const analyze = (signal?: AbortSignal) => analyzeFile(rt, INPUT, {
    strategies: [{ name: 'average', reducer: averageReducer }], runs: RUNS, warmup: WARMUP, ...(signal ? { signal } : {}),
  });

  it('runs every encoder pass when the signal is never aborted', async () => {
    calls = 0;
    onRun = () => undefined;
    const r = await analyze(new AbortController().signal);
    assert.equal(r.windows.length, 2);
    assert.equal(calls, TOTAL_RUNS);
  });

  it('rejects at once, without running the encoder, when the signal is already aborted', async () => {
    calls = 0;
    onRun = () => undefined;
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(analyze(ac.signal), (err: unknown) => err instanceof Error && err.name === 'AbortError');
    assert.equal(calls, 0);
  });

  it('stops within one encoder run of an abort in the middle of the first window', async () => {
    calls = 0;
    const ac = new AbortController();
    onRun = (n) => { if (n === 2) ac.abort(); };
    await assert.rejects(analyze(ac.signal), (err: unknown) => err instanceof Error && err.name === 'AbortError');
    // The run that was starting when the abort came finishes; no further one starts.
    assert.equal(calls, 2);
    assert.ok(calls < TOTAL_RUNS);
  });

  it('stops before the second window when aborted at the end of the first', async () => {
    calls = 0;
    const ac = new AbortController();
    const perWindow = 2 * (WARMUP + RUNS);
    onRun = (n) => { if (n === perWindow) ac.abort(); };
    await assert.rejects(analyze(ac.signal), { name: 'AbortError' });
    assert.equal(calls, perWindow);
  });

  it('passes on the reason the caller aborted with', async () => {
    calls = 0;
    const ac = new AbortController();
    const reason = new Error('user cancelled');
    reason.name = 'AbortError';
    onRun = (n) => { if (n === 3) ac.abort(reason); };
    await assert.rejects(analyze(ac.signal), (err: unknown) => err === reason);
  });
});
