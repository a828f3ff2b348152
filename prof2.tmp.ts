import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import TreeSitter = require('web-tree-sitter');
import { SpanExtractor } from './src/core/spans';
(async () => {
  const M: any = {};
  await TreeSitter.Parser.init(M);
  const lang = process.argv[2] ?? 'python';
  const dir = lang === 'python' ? '/root/.pyenv/versions/3.11.7/lib/python3.11' : 'node_modules/typescript/lib';
  const re = lang === 'python' ? /\.py$/ : /^lib\..*\.d\.ts$/;
  const texts: string[] = []; let bytes = 0;
  for (const n of readdirSync(dir).filter((n) => re.test(n)).sort()) { if (bytes > 3.3e6) break; const t = readFileSync(join(dir, n), 'utf8'); texts.push(t); bytes += t.length; }
  const ex = await SpanExtractor.create({ preload: [lang] });
  const L = (ex as any).loaded.get(lang);
  const parser = new TreeSitter.Parser(); parser.setLanguage(L.language);
  const trees = texts.map((t) => parser.parse(t)!);
  const first = M._ts_tree_cursor_goto_first_child_wasm, next = M._ts_tree_cursor_goto_next_sibling_wasm, up = M._ts_tree_cursor_goto_parent_wasm;
  const tid = M._ts_tree_cursor_current_node_type_id_wasm, si = M._ts_tree_cursor_start_index_wasm, ei = M._ts_tree_cursor_end_index_wasm, del = M._ts_tree_cursor_delete_wasm;
  const time = (name: string, fn: () => number) => { fn(); let best = 1e9, v = 0; for (let i = 0; i < 3; i++) { const t0 = performance.now(); v = fn(); best = Math.min(best, performance.now() - t0); } console.log(name.padEnd(30), best.toFixed(0), 'ms', v); };
  time('direct walk + typeId + leaf se', () => { let n = 0; for (const tr of trees) { const c = tr.walk(); const t = (tr as any)[0]; for (;;) { n += tid(t) & 1; if (first(t)) continue; n += si(t) + ei(t) & 1; let m = next(t); let done = false; while (!m) { if (!up(t)) { done = true; break; } m = next(t); } if (done) break; } del(t); } return n; });
  time('public walk + typeId + leaf se', () => { let n = 0; for (const tr of trees) { const c = tr.walk(); for (;;) { n += c.nodeTypeId & 1; if (c.gotoFirstChild()) continue; n += c.startIndex + c.endIndex & 1; let m = c.gotoNextSibling(); let done = false; while (!m) { if (!c.gotoParent()) { done = true; break; } m = c.gotoNextSibling(); } if (done) break; } c.delete(); } return n; });
  time('parse', () => { for (const t of texts) parser.parse(t)!.delete(); return 0; });
})();
