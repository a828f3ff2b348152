// Where one thread's time goes in `report`'s per-file work, pass after pass over the same files in
// memory: the first pass is what a freshly started thread pays (JIT warm-up, BPE cache empty), the
// later ones the warm cost. No file reads, no workers, no aggregation: the pipeline's floor.
// Then what a report worker's tokenizer costs it to start: loaded from the files or from a snapshot.
//   node --import tsx bench/phases.ts [--mb 10] [--passes 3]
import { reportableFiles } from './report-ratio';
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { locateTokenizer, loadTokenizer, type TokenizerSnapshot } from '../src/core/tokenizer';
import { SpanExtractor, languageForPath, type LanguageId } from '../src/core/spans';
import { analyzeText } from '../src/core/report/stats';
import { checkContent } from '../src/core/scan/classify';
import { addOutcome, emptyBatchResult } from '../src/core/report/batch';
import { numberArg } from '../test/support/files';

const cpuMs = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};

/** Milliseconds a freshly started worker thread takes to have a tokenizer that has encoded one
 *  line: loaded from the files, or rebuilt from a snapshot the starting thread hands it (what a
 *  report's workers get from the calling thread). */
async function workerTokenizerMs(dir: string, snapshot?: TokenizerSnapshot): Promise<number> {
  const index = join(__dirname, '..', 'src', 'core', 'tokenizer', 'index.ts');
  const w = new Worker(`
    const { workerData, parentPort } = require('node:worker_threads');
    require('tsx/cjs');
    const { loadTokenizer, ByteLevelBpeTokenizer } = require(workerData.index);
    const t0 = performance.now();
    const tok = workerData.snapshot ? new ByteLevelBpeTokenizer(workerData.snapshot) : loadTokenizer(workerData.dir);
    tok.encode('def get_user_by_id(user_id): return user_id');
    parentPort.postMessage(performance.now() - t0);
  `, { eval: true, workerData: { index, dir, snapshot } });
  try {
    return await new Promise<number>((resolve, reject) => { w.once('message', resolve); w.once('error', reject); });
  } finally {
    await w.terminate();
  }
}

async function main(): Promise<void> {
  const files = reportableFiles(numberArg('mb', 10)).map((f) => ({ ...f, language: languageForPath(f.rel)! as LanguageId, buf: Buffer.from(f.text) }));
  let t = cpuMs();
  const tokenizer = loadTokenizer(locateTokenizer().dir);
  const loadTokenizerMs = cpuMs() - t;
  t = cpuMs();
  const extractor = await SpanExtractor.create({});
  for (const l of new Set(files.map((f) => f.language))) await extractor.ensureLanguage(l);
  const loadParserMs = cpuMs() - t;
  const mb = files.reduce((s, f) => s + f.bytes, 0) / 1e6;
  console.log(`${files.length} files, ${mb.toFixed(2)} MB; CPU ms (this thread and V8's helpers): tokenizer load ${loadTokenizerMs.toFixed(0)}, parser runtime + grammars ${loadParserMs.toFixed(0)}`);
  console.log('| pass | check content | parse + span walk | encode + plan + statistics | merge tables | total |');
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: |');
  for (let pass = 1; pass <= numberArg('passes', 3); pass++) {
    const ms = { check: 0, spans: 0, analyze: 0, merge: 0 };
    const all = emptyBatchResult();
    for (const f of files) {
      let a = cpuMs();
      const text = checkContent(f.buf, { generated: false }).text!;
      let b = cpuMs(); ms.check += b - a; a = b;
      const spans = extractor.extract(text, f.language);
      b = cpuMs(); ms.spans += b - a; a = b;
      const stats = analyzeText({ path: f.rel, text, bytes: f.bytes, language: f.language, tokenizer, spans, scope: 'identifiers', window: { capacity: 510, specials: 2 } }).stats;
      b = cpuMs(); ms.analyze += b - a; a = b;
      addOutcome(all, { kind: 'file', stats });
      ms.merge += cpuMs() - a;
    }
    const total = ms.check + ms.spans + ms.analyze + ms.merge;
    console.log(`| ${pass} | ${[ms.check, ms.spans, ms.analyze, ms.merge, total].map((v) => v.toFixed(0)).join(' | ')} |`);
  }
  extractor.dispose();
  const dir = locateTokenizer().dir;
  const fromFiles: number[] = [], fromSnapshot: number[] = [];
  for (let i = 0; i < 3; i++) {
    fromFiles.push(await workerTokenizerMs(dir));
    fromSnapshot.push(await workerTokenizerMs(dir, tokenizer.snapshot()));
  }
  const ms = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(', ');
  console.log(`\nA fresh worker thread's tokenizer, ms (3 alternating runs): from the files ${ms(fromFiles)}; from the calling thread's snapshot ${ms(fromSnapshot)}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
