// Runs the CLI from the sources (bin/subtoken-lens.js) as a child process, killed after `timeoutMs`
// so a hang fails the test instead of stalling the suite.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../core/helpers';

export const CLI_BIN = join(REPO_ROOT, 'bin', 'subtoken-lens.js');

export interface CliRun { code: number | null; out: string; err: string }

export function runCli(args: string[], o: { cwd: string; env?: Record<string, string>; timeoutMs?: number }): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI_BIN, ...args], { cwd: o.cwd, env: { ...process.env, ...o.env } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 60000);
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, out, err }); });
  });
}
