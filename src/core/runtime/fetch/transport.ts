// The HTTP GET under every Hub download, on node:http/https rather than fetch(): a server we do
// not control must not be able to hang or flood a download, and that needs what fetch() does not
// give us: a connect timeout apart from an idle timeout (no byte for N ms, headers or body), each
// redirect checked (loop, count, scheme, token kept to the origin it was given for), and a body
// that the caller can cut off at a byte count, closing the connection rather than draining it.

import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';

export const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;
export const DEFAULT_IDLE_TIMEOUT_MS = 60_000;
export const MAX_REDIRECTS = 10;

export interface Timeouts {
  /** From opening the connection to having it (TCP, and TLS for https). */
  readonly connectMs: number;
  /** Longest wait for any byte once connected: for the response headers, then between body chunks. */
  readonly idleMs: number;
}

/** A failure of the transport itself, with what a message needs; hub.ts turns it into a FetchModelError. */
export class TransportError extends Error {
  override readonly name = 'TransportError';
  constructor(readonly kind: 'connect-timeout' | 'idle-timeout' | 'redirect', message: string) {
    super(message);
  }
}

export interface HttpResponse {
  readonly status: number;
  readonly statusText: string;
  /** The URL that answered, after redirects. */
  readonly url: string;
  header(name: string): string | undefined;
  /** The body; errors with a TransportError on an idle timeout, or an AbortError on the signal. */
  readonly body: IncomingMessage;
  /** Stops the transfer and closes the connection (never reads the rest). */
  discard(): void;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const seconds = (ms: number) => `${ms / 1000} s`;

function abortError(): Error {
  const e = new Error('the request was cancelled');
  e.name = 'AbortError';
  return e;
}

/** GET `url`, following redirects one checked hop at a time. Resolves once the final headers are in. */
export async function httpGet(
  url: string, headers: Readonly<Record<string, string>>, opts: { signal?: AbortSignal; timeouts: Timeouts },
): Promise<HttpResponse> {
  const visited = new Set<string>();
  let current = new URL(url);
  let hopHeaders: Record<string, string> = { ...headers };
  for (;;) {
    visited.add(current.href);
    const res = await getOnce(current, hopHeaders, opts.signal, opts.timeouts);
    const location = res.headers.location;
    if (!REDIRECT_STATUSES.has(res.statusCode ?? 0) || !location) return wrap(res, current.href);
    res.destroy();
    let next: URL;
    try {
      next = new URL(location, current);
    } catch {
      throw new TransportError('redirect', `${current.href} redirected to ${JSON.stringify(location)}, which is not a URL`);
    }
    if (next.protocol !== 'http:' && next.protocol !== 'https:') {
      throw new TransportError('redirect', `${current.href} redirected to ${JSON.stringify(next.href.slice(0, 200))}, which is not an http(s) URL; refusing to follow`);
    }
    if (visited.has(next.href)) {
      throw new TransportError('redirect', `redirect loop: ${current.href} sends back to ${next.href}, already visited`);
    }
    if (visited.size > MAX_REDIRECTS) {
      throw new TransportError('redirect', `too many redirects (more than ${MAX_REDIRECTS}) starting from ${url}`);
    }
    // A token given for the Hub is not for whatever host it redirects to (its CDN takes signed URLs).
    if (next.origin !== current.origin) {
      hopHeaders = Object.fromEntries(Object.entries(hopHeaders).filter(([k]) => k.toLowerCase() !== 'authorization'));
    }
    current = next;
  }
}

function wrap(res: IncomingMessage, url: string): HttpResponse {
  return {
    status: res.statusCode ?? 0,
    statusText: res.statusMessage ?? '',
    url,
    header: (name) => {
      const v = res.headers[name.toLowerCase()];
      return Array.isArray(v) ? v.join(', ') : v;
    },
    body: res,
    discard: () => { res.destroy(); },
  };
}

/** One request, no redirects; the timers and the abort listener live until the response closes. */
function getOnce(url: URL, headers: OutgoingHttpHeaders, signal: AbortSignal | undefined, t: Timeouts): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) { reject(abortError()); return; }
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    // agent: false: a fresh connection per request, closed with it, so a cut-off body never
    // returns a half-read socket to a pool and nothing keeps the process alive afterwards.
    const req = send(url, { method: 'GET', headers, agent: false });
    let res: IncomingMessage | undefined;
    let connectTimer: NodeJS.Timeout | undefined;
    let socket: Socket | undefined;
    const stop = (e: Error) => {
      if (res) res.destroy(e);
      else req.destroy(e);
    };
    const onAbort = () => stop(abortError());
    const onIdle = () => stop(new TransportError('idle-timeout', res
      ? `no data from ${url.host} for ${seconds(t.idleMs)} (idle timeout)`
      : `${url.host} accepted the connection but sent no answer for ${seconds(t.idleMs)} (idle timeout)`));
    const cleanup = () => {
      clearTimeout(connectTimer);
      signal?.removeEventListener('abort', onAbort);
      if (socket) { socket.setTimeout(0); socket.removeListener('timeout', onIdle); }
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    req.on('socket', (s: Socket) => {
      socket = s;
      const connected = () => {
        clearTimeout(connectTimer);
        s.setTimeout(t.idleMs);
      };
      s.on('timeout', onIdle);
      if (!s.connecting) { connected(); return; }
      connectTimer = setTimeout(() => req.destroy(new TransportError('connect-timeout',
        `could not connect to ${url.host} within ${seconds(t.connectMs)} (connect timeout)`)), t.connectMs);
      s.once('encrypted' in s ? 'secureConnect' : 'connect', connected);
    });
    req.on('response', (r) => {
      res = r;
      // The caller may hold the response a moment before reading it; an error in between (idle
      // timeout, abort) is then seen on its first read instead of crashing the process here.
      r.on('error', () => undefined);
      r.on('close', cleanup);
      resolve(r);
    });
    req.on('error', (e) => { cleanup(); reject(e); });
    req.end();
  });
}

/** The whole body, refused (connection closed) as soon as it passes `maxBytes`. */
export async function readCapped(res: HttpResponse, maxBytes: number, tooLarge: () => Error): Promise<Buffer> {
  const declared = Number(res.header('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) { res.discard(); throw tooLarge(); }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) { res.discard(); throw tooLarge(); }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
