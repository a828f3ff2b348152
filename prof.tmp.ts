import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import TreeSitter = require('web-tree-sitter');
import { SpanExtractor } from './src/core/spans';
import { fusedWalk } from './src/core/spans/fused-walk';
(async () => {
  const lang = process.argv[2] ?? 'python';
  const dir = lang === 'python' ? '/root/.pyenv/versions/3.11.7/lib/python3.11' : 'node_modules/typescript/lib';
  const re = lang === 'python' ? /\.py$/ : /^lib\..*\.d\.ts$/;
  const texts: string[] = []; let bytes = 0;
  for (const n of readdirSync(dir).filter((n) => re.test(n)).sort()) { if (bytes > 3.3e6) break; const t = readFileSync(join(dir, n), 'utf8'); texts.push(t); bytes += t.length; }
  const ex = await SpanExtractor.create({ preload: [lang] });
  const L = (ex as any).loaded.get(lang);
  const parser = new TreeSitter.Parser(); parser.setLanguage(L.language);
  const trees = texts.map((t) => parser.parse(t)!);
  const time = (name: string, fn: () => number) => { fn(); let best = 1e9, v = 0; for (let i = 0; i < 3; i++) { const t0 = performance.now(); v = fn(); best = Math.min(best, performance.now() - t0); } console.log(name.padEnd(30), best.toFixed(0), 'ms', v); };
  time('bare walk (goto only)', () => { let n = 0; for (const tr of trees) { const c = tr.walk(); for (;;) { n++; if (c.gotoFirstChild()) continue; let m = c.gotoNextSibling(); let done = false; while (!m) { if (!c.gotoParent()) { done = true; break; } m = c.gotoNextSibling(); } if (done) break; } c.delete(); } return n; });
  time('walk + typeId', () => { let n = 0; for (const tr of trees) { const c = tr.walk(); for (;;) { n += c.nodeTypeId & 1; if (c.gotoFirstChild()) continue; let m = c.gotoNextSibling(); let done = false; while (!m) { if (!c.gotoParent()) { done = true; break; } m = c.gotoNextSibling(); } if (done) break; } c.delete(); } return n; });
  time('walk + typeId + leaf start/end', () => { let n = 0; for (const tr of trees) { const c = tr.walk(); for (;;) { n += c.nodeTypeId & 1; if (c.gotoFirstChild()) continue; n += c.startIndex + c.endIndex & 1; let m = c.gotoNextSibling(); let done = false; while (!m) { if (!c.gotoParent()) { done = true; break; } m = c.gotoNextSibling(); } if (done) break; } c.delete(); } return n; });
  time('fusedWalk', () => { let n = 0; for (const tr of trees) n += fusedWalk(tr, L.tables, undefined).categories.length; return n; });
  time('query captures', () => { let n = 0; for (const tr of trees) n += L.query.captures(tr.rootNode).length; return n; });
  time('parse', () => { for (const t of texts) parser.parse(t)!.delete(); return 0; });
})();
