// How fast tree-sitter parses the bench corpus with a given web-tree-sitter build and grammar pack:
// the floor under `report`'s speed (issue 11). Parse only (parse + tree.delete()), CPU time of the
// process, median of 3 after one warm-up pass; each build in a child process of its own.
//   node --import tsx bench/parse-versions.ts [--mb 10] [--pack vscode|wasms] [DIR ...]
// DIR: a web-tree-sitter package folder (default: the installed one). Another version can be
// unpacked beside the project without installing it: `npm pack web-tree-sitter@0.27.2` and untar.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { reportableFiles } from './report-ratio';
import { languageForPath } from '../src/core/spans';

const REPO = resolve(__dirname, '..');
const PACKS: Record<string, string> = {
  vscode: join(REPO, 'node_modules/@vscode/tree-sitter-wasm/wasm'),
  wasms: join(REPO, 'node_modules/tree-sitter-wasms/out'),
};

interface CorpusText { text: string; bytes: number; language: string }

/** In the child: parse every text with the build in `dir`; prints MB per CPU-second. */
async function child(dir: string, pack: string, corpusPath: string): Promise<void> {
  const file = (a: string, b: string) => (existsSync(join(dir, a)) ? join(dir, a) : join(dir, b));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const TS = require(file('tree-sitter.cjs', 'web-tree-sitter.cjs')) as typeof import('web-tree-sitter');
  await TS.Parser.init({ locateFile: () => file('tree-sitter.wasm', 'web-tree-sitter.wasm') });
  const texts = JSON.parse(readFileSync(corpusPath, 'utf8')) as CorpusText[];
  const langs = new Map<string, import('web-tree-sitter').Language>();
  for (const l of new Set(texts.map((t) => t.language))) langs.set(l, await TS.Language.load(readFileSync(join(PACKS[pack]!, `tree-sitter-${l}.wasm`))));
  const parser = new TS.Parser();
  const pass = () => {
    for (const t of texts) {
      parser.setLanguage(langs.get(t.language)!);
      parser.parse(t.text)?.delete();
    }
  };
  pass();
  const cpu: number[] = [];
  for (let r = 0; r < 3; r++) {
    const c0 = process.cpuUsage();
    pass();
    const u = process.cpuUsage(c0);
    cpu.push((u.user + u.system) / 1e6);
  }
  const mb = texts.reduce((s, t) => s + t.bytes, 0) / 1e6;
  console.log((mb / [...cpu].sort((a, b) => a - b)[1]!).toFixed(2));
}

function main(): void {
  const args = process.argv.slice(2);
  if (args[0] === '--child') {
    void child(args[1]!, args[2]!, args[3]!);
    return;
  }
  const opt = (name: string, dflt: string) => {
    const i = args.indexOf(`--${name}`);
    if (i < 0) return dflt;
    const v = args[i + 1]!;
    args.splice(i, 2);
    return v;
  };
  const mb = Number(opt('mb', '10'));
  const pack = opt('pack', 'vscode');
  const dirs = args.length ? args.map((d) => resolve(d)) : [join(REPO, 'node_modules/web-tree-sitter')];
  // The grammars of the corpus's languages that both packs have (Python, JavaScript, TypeScript).
  const texts: CorpusText[] = reportableFiles(mb).map((f) => ({ text: f.text, bytes: f.bytes, language: languageForPath(f.rel)! }))
    .filter((t) => ['python', 'javascript', 'typescript'].includes(t.language));
  const tmp = mkdtempSync(join(tmpdir(), 'stl-parse-'));
  const corpusPath = join(tmp, 'corpus.json');
  writeFileSync(corpusPath, JSON.stringify(texts));
  try {
    console.log(`| web-tree-sitter | grammars | MB per CPU-second (${(texts.reduce((s, t) => s + t.bytes, 0) / 1e6).toFixed(2)} MB) |`);
    console.log('| --- | --- | ---: |');
    for (const dir of dirs) {
      const version = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
      const rate = execFileSync(process.execPath, ['--import', 'tsx', __filename, '--child', dir, pack, corpusPath], { encoding: 'utf8' }).trim();
      console.log(`| ${version} | ${pack} | ${rate} |`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

main();
