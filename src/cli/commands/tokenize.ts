// `tokenize FILE`: the exact token ids and their source ranges.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { FatalError, openTokenizer } from '../common';

export function readSource(file: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new FatalError(`cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new FatalError(`${file} is not valid UTF-8 text`);
  }
}

export function register(program: Command): void {
  program
    .command('tokenize')
    .description('Tokenize a file with the CodeT5 tokenizer (exact Hugging Face ids, without <s>/</s>)')
    .argument('<file>', 'source file')
    .option('--tokenizer <dir>', 'tokenizer folder (vocab.json + merges.txt, or tokenizer.json)')
    .option('--json', 'print JSON: {tokenizer, ids, tokens: [{id, text, start, end}]}')
    .action((file: string, o: { tokenizer?: string; json?: boolean }) => {
      const { tokenizer } = openTokenizer(o.tokenizer);
      const text = readSource(file);
      const enc = tokenizer.encode(text);
      const tokens = Array.from({ length: enc.length }, (_, i) => ({
        id: enc.ids[i]!, text: tokenizer.idToToken(enc.ids[i]!) ?? '', start: enc.starts[i]!, end: enc.ends[i]!,
      }));
      if (o.json) {
        process.stdout.write(JSON.stringify({ tokenizer: tokenizer.name, ids: Array.from(enc.ids), tokens }) + '\n');
        return;
      }
      process.stdout.write(`${file}: ${enc.length} tokens (${tokenizer.name})\n`);
      for (const t of tokens) process.stdout.write(`${String(t.id).padStart(6)}  ${JSON.stringify(text.slice(t.start, t.end))}  ${t.text}\n`);
    });
}
