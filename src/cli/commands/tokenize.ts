// `tokenize FILE`: the exact token ids and their source ranges.
import type { Command } from 'commander';
import { openTokenizer, readSourceFile } from '../common';
import { cacheDirFrom, cacheDirOptions, jsonOption, tokenizerOption, withOptions } from '../options';
import { terminalLine, terminalSafeJson } from '../../core/safe-text';

export function register(program: Command): void {
  const command = program
    .command('tokenize')
    .description('Tokenize a file with the CodeT5 tokenizer (exact Hugging Face ids, without <s>/</s>)')
    .argument('<file>', 'Source file');
  withOptions(command, tokenizerOption(), cacheDirOptions(), jsonOption())
    .action(async (file: string, o: { tokenizer?: string; cacheDir?: string; cache?: string; json?: boolean }) => {
      const text = await readSourceFile(file);
      const { tokenizer } = openTokenizer(o.tokenizer, cacheDirFrom(o));
      const enc = tokenizer.encode(text);
      const tokens = Array.from({ length: enc.length }, (_, i) => ({
        id: enc.ids[i]!, text: tokenizer.idToToken(enc.ids[i]!) ?? '', start: enc.starts[i]!, end: enc.ends[i]!,
      }));
      if (o.json) {
        process.stdout.write(JSON.stringify({ tokenizer: tokenizer.name, ids: Array.from(enc.ids), tokens }) + '\n');
        return;
      }
      process.stdout.write(`${terminalLine(file)}: ${enc.length} tokens (${tokenizer.name})\n`);
      for (const t of tokens) process.stdout.write(`${String(t.id).padStart(6)}  ${terminalSafeJson(JSON.stringify(text.slice(t.start, t.end)))}  ${terminalLine(t.text)}\n`);
    });
}
