// Errors of model downloads, each with a code a front end can branch on and a message a user
// can act on without reading a stack trace.

export type FetchModelErrorCode =
  | 'offline' | 'unauthorized' | 'not-found' | 'checksum' | 'size' | 'locked' | 'http' | 'aborted' | 'bad-input'
  /** No byte for the idle timeout, or no connection within the connect timeout. */
  | 'timeout'
  /** A redirect loop, too many redirects, or a redirect to something other than http(s). */
  | 'redirect'
  /** An answer of the Hub API larger than we are willing to hold in memory. */
  | 'too-large'
  /** A file the Hub lists with neither size nor hash, refused without `allowUnverified`. */
  | 'unverified';

export class FetchModelError extends Error {
  override readonly name = 'FetchModelError';
  constructor(readonly code: FetchModelErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Connection-level failures that mean "cannot reach the server at all". */
const OFFLINE_CODES = new Set([
  'ENOTFOUND', 'ECONNREFUSED', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'ENETDOWN', 'UND_ERR_CONNECT_TIMEOUT',
]);

/** The system error code behind a failed `fetch` (undici wraps it in `cause`, sometimes twice). */
export function networkErrorCode(e: unknown): string | undefined {
  for (let cur: unknown = e, depth = 0; cur && depth < 4; depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

export function isOfflineError(e: unknown): boolean {
  const code = networkErrorCode(e);
  return code !== undefined && OFFLINE_CODES.has(code);
}
