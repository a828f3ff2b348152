// Runs many CLI invocations in one process, through the same main() that bin/subtoken-lens.js
// calls (its return value is the exit status runCli sets), so the contract test can try every
// command's usage and input errors without paying a process start-up for each.
//   node --import tsx run-in-process.ts CASES.json RESULTS.json
// CASES.json: string[][] (arguments after `subtoken-lens`); RESULTS.json: [{ code, out, err }].
import { readFileSync, writeFileSync } from 'node:fs';
import { main } from '../../../src/cli/main';

type Write = typeof process.stdout.write;

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const stdout = process.stdout.write;
  const stderr = process.stderr.write;
  process.stdout.write = ((chunk: string | Uint8Array) => { out += chunk.toString(); return true; }) as Write;
  process.stderr.write = ((chunk: string | Uint8Array) => { err += chunk.toString(); return true; }) as Write;
  try {
    return { code: await main(['node', 'subtoken-lens', ...args]), out, err };
  } finally {
    process.stdout.write = stdout;
    process.stderr.write = stderr;
  }
}

async function runAll(): Promise<void> {
  const cases = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as string[][];
  const results = [];
  for (const args of cases) results.push(await run(args));
  writeFileSync(process.argv[3]!, JSON.stringify(results));
}

void runAll();
