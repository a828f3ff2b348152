// A loopback "Hub" (node:http on 127.0.0.1, port 0) that misbehaves on request: it speaks the
// URL layout src/core/runtime/fetch/hub.ts reads (as test/e2e/hub.ts does), but each file and the
// file-list answer can lie or stall, so tests can check that a download stops at the listed size,
// gives up on silence, refuses unlisted files and huge answers, and does not follow redirect games.
//   GET /api/models/{repo}/revision/{revision}?blobs=true → { sha, siblings[] }
//   GET /{repo}/resolve/{revision}/{path}                 → the file's bytes
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const REPO = 'hostile/repo';
export const COMMIT = 'c'.repeat(40);

/** How a file's body goes out. */
export type Body =
  | 'honest'
  /** Endless bytes (chunked, no length) until the client hangs up. */
  | 'endless'
  /** Announces `contentLength` bytes and starts sending that many (the client should refuse at once). */
  | { contentLength: number }
  /** One byte every `everyMs` until the client hangs up. */
  | { dripMs: number }
  /** The file URL redirects to /loop/a, which redirects to /loop/b, which redirects back to /loop/a. */
  | 'redirect-loop'
  /** The file URL redirects to a file:// URL. */
  | 'redirect-file-scheme';

export interface HostileFile {
  readonly bytes: Buffer;
  /** What the file list says; default: the true size and git blob id. `{}` lists neither size nor hash. */
  readonly listed?: { size?: number; blobId?: string; lfs?: { size?: number; sha256?: string } };
  readonly body?: Body;
}

/** How the file-list request is answered. */
export type ApiAnswer =
  | 'honest'
  /** A JSON answer that never ends soon: `bytes` of JSON streamed in chunks, without a length. */
  | { hugeBytes: number }
  /** Accepts the request and never answers. */
  | 'silent';

export interface HostileHub {
  readonly endpoint: string;
  /** Request paths in the order they came. */
  readonly requests: string[];
  /** Body bytes the server wrote, per request path. */
  readonly sent: Map<string, number>;
  /** Request paths whose response the client closed before the server had finished it. */
  readonly cutOff: Set<string>;
  close(): Promise<void>;
}

export const gitBlob = (b: Buffer) => createHash('sha1').update(`blob ${b.length}\0`).update(b).digest('hex');

export async function startHostileHub(files: Readonly<Record<string, HostileFile>>, api: ApiAnswer = 'honest'): Promise<HostileHub> {
  const requests: string[] = [];
  const sent = new Map<string, number>();
  const cutOff = new Set<string>();
  const timers = new Set<NodeJS.Timeout>();

  /** Writes `next()` chunks while the socket takes them, until `next` returns undefined or the client leaves. */
  function stream(path: string, res: ServerResponse, next: () => Buffer | undefined): void {
    res.on('close', () => { if (!res.writableFinished) cutOff.add(path); });
    const pump = () => {
      for (;;) {
        if (res.destroyed) return;
        const chunk = next();
        if (!chunk) { res.end(); return; }
        sent.set(path, (sent.get(path) ?? 0) + chunk.length);
        if (!res.write(chunk)) { res.once('drain', pump); return; }
      }
    };
    pump();
  }

  function later(ms: number, fn: () => void): void {
    const t = setTimeout(() => { timers.delete(t); fn(); }, ms);
    timers.add(t);
  }

  function answerApi(path: string, res: ServerResponse): void {
    if (api === 'silent') return; // the socket stays open, nothing is written
    if (api !== 'honest') {
      res.writeHead(200, { 'content-type': 'application/json' });
      const entry = Buffer.from(JSON.stringify({ rfilename: 'x'.repeat(200), size: 1 }) + ',');
      let left = api.hugeBytes;
      let first = true;
      stream(path, res, () => {
        if (first) { first = false; return Buffer.from(`{"sha":"${COMMIT}","siblings":[`); }
        if (left <= 0) return undefined;
        const n = Math.min(left, 64 * 1024);
        left -= n;
        return Buffer.concat(Array.from({ length: Math.ceil(n / entry.length) }, () => entry));
      });
      return;
    }
    const siblings = Object.entries(files).map(([rfilename, f]) => ({ rfilename, ...(f.listed ?? { size: f.bytes.length, blobId: gitBlob(f.bytes) }) }));
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: REPO, sha: COMMIT, siblings }));
  }

  function serveFile(path: string, f: HostileFile, res: ServerResponse): void {
    const body = f.body ?? 'honest';
    if (body === 'honest') {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': f.bytes.length });
      stream(path, res, (() => { let done = false; return () => (done ? undefined : (done = true, f.bytes)); })());
    } else if (body === 'endless') {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      stream(path, res, () => chunk);
    } else if (body === 'redirect-loop') {
      res.writeHead(302, { location: '/loop/a' }).end();
    } else if (body === 'redirect-file-scheme') {
      res.writeHead(302, { location: 'file:///etc/passwd' }).end();
    } else if ('contentLength' in body) {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.contentLength });
      const chunk = Buffer.alloc(64 * 1024, 0x62);
      let left = body.contentLength;
      stream(path, res, () => {
        if (left <= 0) return undefined;
        left -= chunk.length;
        return left >= 0 ? chunk : chunk.subarray(0, chunk.length + left);
      });
    } else {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.on('close', () => { if (!res.writableFinished) cutOff.add(path); });
      const tick = () => {
        if (res.destroyed) return;
        res.write('x');
        sent.set(path, (sent.get(path) ?? 0) + 1);
        later(body.dripMs, tick);
      };
      tick();
    }
  }

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://loopback');
    const path = url.pathname;
    requests.push(path);
    let m = /^\/api\/models\/([^/]+\/[^/]+)\/revision\/([^/]+)$/.exec(path);
    if (m) {
      if (m[1] !== REPO) { res.writeHead(404).end('{"error":"Repository not found"}'); return; }
      answerApi(path, res);
      return;
    }
    if (path === '/loop/a') { res.writeHead(302, { location: '/loop/b' }).end(); return; }
    if (path === '/loop/b') { res.writeHead(301, { location: '/loop/a' }).end(); return; }
    m = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(path);
    const file = m && m[1] === REPO ? files[decodeURIComponent(m[3]!)] : undefined;
    if (!file) { res.writeHead(404).end('Entry not found'); return; }
    serveFile(path, file, res);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests, sent, cutOff,
    close: () => new Promise<void>((ok) => {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      server.close(() => ok());
    }),
  };
}
