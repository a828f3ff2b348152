// A loopback stand-in for the Hugging Face Hub, serving model folders in the Hub's URL layout
// (what src/core/runtime/fetch/hub.ts reads, and a mirror set in `subtokenLens.hubEndpoint` must
// offer):
//   GET /api/models/{owner}/{name}/revision/{revision}?blobs=true → { sha, siblings[] }
//   GET /{owner}/{name}/resolve/{commit}/{path}                    → the file's bytes
// Large files are listed as LFS (sha256), small ones by git blob id, as the Hub does.
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HubRepo {
  /** Path in the repo → bytes. */
  readonly files: Readonly<Record<string, Buffer>>;
}

export interface LoopbackHub {
  readonly endpoint: string;
  /** Request paths in the order they came. */
  readonly requests: readonly string[];
  close(): Promise<void>;
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const gitBlob = (b: Buffer) => createHash('sha1').update(`blob ${b.length}\0`).update(b).digest('hex');
const LFS_FROM_BYTES = 10_000;

export async function startLoopbackHub(repos: Readonly<Record<string, HubRepo>>): Promise<LoopbackHub> {
  const requests: string[] = [];
  const commits = new Map(Object.keys(repos).map((name) => [name, createHash('sha1').update(name).digest('hex')]));
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://loopback');
    requests.push(url.pathname);
    let m = /^\/api\/models\/([^/]+\/[^/]+)\/revision\/([^/]+)$/.exec(url.pathname);
    if (m) {
      const repo = repos[m[1]!];
      if (!repo) { res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"Repository not found"}'); return; }
      const siblings = Object.entries(repo.files).map(([rfilename, b]) => (b.length >= LFS_FROM_BYTES
        ? { rfilename, size: b.length, blobId: gitBlob(Buffer.from(rfilename)), lfs: { size: b.length, sha256: sha256(b), pointerSize: 130 } }
        : { rfilename, size: b.length, blobId: gitBlob(b) }));
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: m[1], sha: commits.get(m[1]!), siblings }));
      return;
    }
    m = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(url.pathname);
    const body = m && repos[m[1]!]?.files[decodeURIComponent(m[3]!)];
    if (body) {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length }).end(body);
      return;
    }
    res.writeHead(404).end('Entry not found');
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise<void>((ok) => { server.closeAllConnections(); server.close(() => ok()); }),
  };
}
