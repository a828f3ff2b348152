// Which onnxruntime execution provider to use, resolved lazily (nothing is loaded at import).
// Shape follows transformers.js' backends/onnx.js: a per-platform priority list for `auto` and a
// frozen device→provider table. Unlike onnxruntime-web, onnxruntime-node throws at session creation
// for a provider it cannot load (e.g. CUDA without the CUDA build), so we try each in order, record
// why it failed, and end on the CPU, which always works.
import type { InferenceSession } from 'onnxruntime-node';

export type Device = 'auto' | 'cpu' | 'cuda' | 'dml' | 'coreml';
export const DEVICES: readonly Device[] = ['auto', 'cpu', 'cuda', 'dml', 'coreml'];

/** onnxruntime-node's name for each device's execution provider. */
export const DEVICE_TO_PROVIDER: Readonly<Record<Exclude<Device, 'auto'>, string>> = Object.freeze({
  cpu: 'cpu',
  cuda: 'cuda',
  dml: 'dml',
  coreml: 'coreml',
});

/** Providers `auto` tries, best first, per platform; the CPU is always last. */
export function autoProviders(platform: string = process.platform, arch: string = process.arch): string[] {
  if (platform === 'linux' && arch === 'x64') return ['cuda', 'cpu'];
  if (platform === 'win32') return ['dml', 'cpu'];
  if (platform === 'darwin') return ['coreml', 'cpu'];
  return ['cpu'];
}

/** The ordered providers to try for a device. An explicit GPU device still falls back to CPU. */
export function providersForDevice(device: string, platform: string = process.platform, arch: string = process.arch): string[] {
  if (device === 'auto') return autoProviders(platform, arch);
  // Own keys only: `in` would also accept Object.prototype's ('toString', 'constructor', ...).
  if (!Object.hasOwn(DEVICE_TO_PROVIDER, device)) {
    throw new Error(`Unknown provider "${device}". Valid: ${DEVICES.join(', ')}.`);
  }
  const p = DEVICE_TO_PROVIDER[device as Exclude<Device, 'auto'>];
  return p === 'cpu' ? ['cpu'] : [p, 'cpu'];
}

export interface ProviderFailure {
  readonly provider: string;
  readonly reason: string;
}

export interface SessionWithProvider {
  readonly session: InferenceSession;
  /** The provider the session runs on. */
  readonly provider: string;
  /** Providers tried before it, and why each failed. */
  readonly failed: readonly ProviderFailure[];
}

/** Something that creates a session for one provider (injectable so the fallback can be tested). */
export type SessionFactory = (model: Uint8Array, provider: string) => Promise<InferenceSession>;

const ortSessionFactory: SessionFactory = async (model, provider) => {
  // Loaded on first use: the native binding is ~45 MB and not needed for FLOP-only work.
  const ort = await import('onnxruntime-node');
  // A missing GPU provider makes onnxruntime print an error banner from its process-wide logger
  // (session options cannot silence it). Every failure also surfaces as an exception, which the
  // caller reports with its reason, so the global log stays at "fatal" unless asked otherwise.
  if (!process.env.SUBTOKEN_LENS_ORT_LOG_LEVEL) ort.env.logLevel = 'fatal';
  else ort.env.logLevel = process.env.SUBTOKEN_LENS_ORT_LOG_LEVEL as typeof ort.env.logLevel;
  return ort.InferenceSession.create(model, {
    executionProviders: [provider],
    graphOptimizationLevel: 'all',
    // A provider that cannot load is reported in the result; keep onnxruntime's own log quiet.
    logSeverityLevel: provider === 'cpu' ? 2 : 4,
    // Two cores are shared with the editor; onnxruntime's default takes them all.
    intraOpNumThreads: Math.max(1, Math.min(4, (await import('node:os')).availableParallelism() - 1)),
  });
};

/** Creates a session on the first provider of `device`'s list that loads, recording failures. */
export async function createSessionWithFallback(
  model: Uint8Array, device: string, factory: SessionFactory = ortSessionFactory,
): Promise<SessionWithProvider> {
  const failed: ProviderFailure[] = [];
  for (const provider of providersForDevice(device)) {
    try {
      const session = await factory(model, provider);
      return { session, provider, failed };
    } catch (err) {
      failed.push({ provider, reason: firstLine((err as Error).message ?? String(err)) });
    }
  }
  throw new Error(`could not create an onnxruntime session on any provider: ${failed.map((f) => `${f.provider}: ${f.reason}`).join('; ')}`);
}

function firstLine(s: string): string {
  const line = s.split('\n').find((l) => l.trim()) ?? s;
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}
