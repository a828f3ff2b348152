// A lock file per download target, so two processes (two CLI runs, or the CLI and the
// extension) never write the same staging folder at once. A lock whose owner process is gone
// (same host, dead pid) is stale and is taken over. A process that leaves through process.exit()
// (a second Ctrl-C, the interrupt backstop of the CLI) still removes the locks it holds.

import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { FetchModelError } from './errors';

interface LockInfo { pid: number; host: string; started: string }

/** Locks this process holds now, removed on exit whatever path the exit takes. */
const held = new Set<string>();
let exitHookInstalled = false;

function removeHeldLocksOnExit(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const p of held) rmSync(p, { force: true });
  });
}

function ownerAlive(info: LockInfo): boolean {
  if (info.host !== hostname()) return true; // cannot tell for another machine: assume it is busy
  try {
    process.kill(info.pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

/** Takes the lock or throws FetchModelError('locked'). Returns the release function. */
export function acquireLock(lockPath: string, what: string): () => void {
  mkdirSync(dirname(lockPath), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx');
      const info: LockInfo = { pid: process.pid, host: hostname(), started: new Date().toISOString() };
      writeSync(fd, JSON.stringify(info));
      closeSync(fd);
      removeHeldLocksOnExit();
      held.add(lockPath);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        held.delete(lockPath);
        rmSync(lockPath, { force: true });
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let info: LockInfo | undefined;
      try {
        info = JSON.parse(readFileSync(lockPath, 'utf8')) as LockInfo;
      } catch {
        info = undefined; // half-written by a process that died at once: treat as stale
      }
      if (info && typeof info.pid === 'number' && ownerAlive(info)) {
        throw new FetchModelError('locked', `another download of ${what} is in progress (pid ${info.pid} on ${info.host}, since ${info.started}); wait for it, or delete ${lockPath} if that process is gone`);
      }
      rmSync(lockPath, { force: true });
    }
  }
  throw new FetchModelError('locked', `could not take the lock ${lockPath}`);
}
