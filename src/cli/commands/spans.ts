// `spans FILE`: identifier spans with their subtokens and merge groups.
import { type Command, Option } from 'commander';
import { buildMergePlan } from '../../core/merge/plan';
import { spansForScope, type MergeScope } from '../../core/merge/scope';
import { tokenPiece } from '../../core/merge/lookup';
import { SpanExtractor, languageForPath, isSupportedLanguage } from '../../core/spans';
import { FatalError, openTokenizer, readSourceFile } from '../common';
import { terminalLine } from '../../core/safe-text';
import { cacheDirFrom, cacheDirOptions, jsonOption, tokenizerOption, withOptions } from '../options';

export function register(program: Command): void {
  const command = program
    .command('spans')
    .description('Identifier spans of a file with their CodeT5 subtokens and merge groups')
    .argument('<file>', 'Source file');
  withOptions(command,
    tokenizerOption(), cacheDirOptions(),
    new Option('--language <id>', 'Language').default(undefined, 'from the file extension'),
    new Option('--scope <scope>', 'What is merged (identifiers+strings: an extension beyond the paper)').choices(['identifiers', 'identifiers+strings']).default('identifiers'),
    jsonOption())
    .action(async (file: string, o: { tokenizer?: string; cacheDir?: string; cache?: string; language?: string; scope: MergeScope; json?: boolean }) => {
      // The file first: a folder or a FIFO is refused as such, not as a file without a grammar.
      const text = await readSourceFile(file);
      const language = o.language ?? languageForPath(file);
      if (!language || !isSupportedLanguage(language)) {
        throw new FatalError(`no grammar for ${o.language ? `language "${o.language}"` : `"${file}"`}: spans need one of the supported languages (see grammars/README.md); \`tokenize\` still works`);
      }
      const { tokenizer } = openTokenizer(o.tokenizer, cacheDirFrom(o));
      const extractor = await SpanExtractor.create();
      await extractor.ensureLanguage(language);
      const result = extractor.extract(text, language);
      extractor.dispose();
      const enc = tokenizer.encode(text);
      const spans = spansForScope(result, o.scope);
      const plan = buildMergePlan(text, enc, spans);
      const groupOf = new Map(plan.groups.map((g, i) => [g.span, i]));
      const out = spans.map((s, i) => {
        const a = plan.alignments[i]!;
        const subtokens = [];
        for (let t = a.firstToken; t >= 0 && t < a.firstToken + a.tokenCount; t++) {
          subtokens.push({ index: t, id: enc.ids[t]!, text: tokenPiece(text, enc, t), start: enc.starts[t]!, end: enc.ends[t]! });
        }
        return { text: text.slice(s.start, s.end), start: s.start, end: s.end, kind: s.kind, nodeType: s.nodeType, subtokens, straddling: a.straddling, group: groupOf.get(i) ?? null };
      });
      if (o.json) {
        process.stdout.write(JSON.stringify({
          tokenizer: tokenizer.name, language, scope: o.scope, hasErrors: result.hasErrors,
          tokens: plan.tokenCount, merged: plan.mergedCount,
          groups: plan.groups.map((g) => Array.from({ length: g.tokenCount }, (_, k) => g.firstToken + k)),
          spans: out,
        }) + '\n');
        return;
      }
      process.stdout.write(`${terminalLine(file)} (${language}${result.hasErrors ? ', with syntax errors' : ''}): ${spans.length} spans, ${plan.tokenCount} subtokens → ${plan.mergedCount} merged\n`);
      for (const s of out) {
        process.stdout.write(`${String(s.start).padStart(7)}  ${terminalLine(s.text).padEnd(28)} ${terminalLine(s.subtokens.map((t) => t.text).join(' · '))}${s.straddling ? '  (straddles a boundary)' : ''}\n`);
      }
    });
}
