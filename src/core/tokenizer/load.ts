// Loading a byte-level BPE tokenizer from disk: either a Hugging Face `tokenizer.json`, or the
// classic `vocab.json` + `merges.txt` pair (with the optional `added_tokens.json`,
// `special_tokens_map.json` and `tokenizer_config.json` beside them). Synchronous, so it works the
// same in the extension host, the CLI and worker threads.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { maxOf } from '../extremes';
import type { Tokenizer } from '../types';
import type { AddedTokenSpec } from './addedTokens';
import { ByteLevelBpeTokenizer } from './byteLevelBpeTokenizer';
import { TokenizerLoadError } from './errors';
import { checkMergesComplete, parseMergesTxt } from './mergesTxt';
import type { PreTokenizerConfig, PreTokenizerStep, SplitBehavior } from './preTokenizerConfig';

export interface LoadTokenizerOptions {
  /** Display name; defaults to the folder name. */
  name?: string;
  /** Number of T5 sentinel tokens `<extra_id_N>` to add on top of a vocab.json vocabulary.
   *  Default: 100 when the folder looks like CodeT5's (32,000 entries starting with RoBERTa's five
   *  special tokens, no sentinels of its own, no added_tokens.json), else 0. */
  sentinels?: number;
}

type Json = unknown;
type JsonObject = Record<string, unknown>;

function isObject(v: Json): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new TokenizerLoadError(path, code === 'ENOENT' ? 'file not found' : `cannot read file (${code ?? String(err)})`);
  }
}

function readJson(path: string): Json {
  const text = readText(path);
  try {
    return JSON.parse(text) as Json;
  } catch (err) {
    throw new TokenizerLoadError(path, `invalid JSON (${(err as Error).message})`);
  }
}

function readOptionalJson(path: string): Json | undefined {
  return existsSync(path) ? readJson(path) : undefined;
}

/** Loads the tokenizer in `path`: a folder (tokenizer.json preferred, else vocab.json + merges.txt)
 *  or a tokenizer.json file. Throws TokenizerLoadError naming the file and the problem. */
export function loadTokenizer(path: string, options: LoadTokenizerOptions = {}): ByteLevelBpeTokenizer {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    throw new TokenizerLoadError(path, 'no such file or folder');
  }
  if (stat.isFile()) return loadTokenizerJson(path, options.name ?? basename(path, '.json'));
  const name = options.name ?? basename(path);
  const tokenizerJson = join(path, 'tokenizer.json');
  if (existsSync(join(path, 'tokenizer.json'))) return loadTokenizerJson(tokenizerJson, name);
  const vocabPath = join(path, 'vocab.json');
  const mergesPath = join(path, 'merges.txt');
  const missing = [vocabPath, mergesPath].filter((p) => !existsSync(p));
  if (missing.length) {
    throw new TokenizerLoadError(
      path,
      `expected tokenizer.json, or vocab.json and merges.txt; missing ${missing.map((p) => basename(p)).join(' and ')}`,
    );
  }
  return loadVocabAndMerges(path, name, options);
}

function parseVocab(v: Json, where: string): Map<string, number> {
  if (!isObject(v)) throw new TokenizerLoadError(where, 'the vocabulary must be a JSON object of token -> id');
  const vocab = new Map<string, number>();
  // for-in visits exactly Object.entries' keys, in its order, without an array per entry (every
  // worker thread of a report loads the vocabulary, so this is start-up time).
  for (const tok in v) {
    const id = v[tok];
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) {
      throw new TokenizerLoadError(where, `vocabulary entry ${JSON.stringify(tok)} has id ${JSON.stringify(id)}, not a non-negative integer`);
    }
    vocab.set(tok, id);
  }
  if (vocab.size === 0) throw new TokenizerLoadError(where, 'the vocabulary is empty');
  return vocab;
}

/** `"<s>"` or `{content, lstrip, ...}` as found in special_tokens_map.json / tokenizer_config.json. */
function tokenSpecOf(v: Json): { content: string; lstrip?: boolean; rstrip?: boolean; singleWord?: boolean; normalized?: boolean } | undefined {
  if (typeof v === 'string') return { content: v };
  if (isObject(v) && typeof v.content === 'string') {
    return {
      content: v.content,
      lstrip: v.lstrip === true,
      rstrip: v.rstrip === true,
      singleWord: v.single_word === true,
      normalized: v.normalized === true,
    };
  }
  return undefined;
}

const SPECIAL_KEYS = ['bos_token', 'eos_token', 'unk_token', 'sep_token', 'pad_token', 'cls_token', 'mask_token'] as const;
const ROBERTA_SPECIALS = ['<s>', '<pad>', '</s>', '<unk>', '<mask>'];

function loadVocabAndMerges(dir: string, name: string, options: LoadTokenizerOptions): ByteLevelBpeTokenizer {
  const { vocab, merges } = readBpeFiles(dir);
  const addedJsonPath = join(dir, 'added_tokens.json');
  const addedJson = readOptionalJson(addedJsonPath);
  const specialMapPath = join(dir, 'special_tokens_map.json');
  const specialMap = readOptionalJson(specialMapPath);
  const configPath = join(dir, 'tokenizer_config.json');
  const config = readOptionalJson(configPath);
  if (addedJson !== undefined && !isObject(addedJson)) throw new TokenizerLoadError(addedJsonPath, 'must be a JSON object of token -> id');
  if (specialMap !== undefined && !isObject(specialMap)) throw new TokenizerLoadError(specialMapPath, 'must be a JSON object');
  if (config !== undefined && !isObject(config)) throw new TokenizerLoadError(configPath, 'must be a JSON object');

  // Added tokens by content; later sources refine earlier ones.
  const added = new Map<string, AddedTokenSpec>();
  const idOf = (content: string): number | undefined => added.get(content)?.id ?? vocab.get(content);
  let nextId = maxOf(vocab.values()) + 1;
  const addToken = (spec: Omit<AddedTokenSpec, 'id'> & { id?: number }): void => {
    const id = spec.id ?? idOf(spec.content) ?? nextId;
    if (id >= nextId) nextId = id + 1;
    const prev = added.get(spec.content);
    added.set(spec.content, { ...prev, ...spec, id });
  };

  // RobertaTokenizer's defaults: the five specials are matched literally; `<mask>` takes the
  // whitespace before it (AddedToken(lstrip=True)) so it "behaves like a normal word".
  for (const t of ROBERTA_SPECIALS) if (vocab.has(t)) addToken({ content: t, special: true, lstrip: t === '<mask>' });

  const hasSentinels = [...vocab.keys()].some((t) => t.startsWith('<extra_id_'));
  const looksLikeCodeT5 =
    vocab.size === 32000 && !hasSentinels && addedJson === undefined && ROBERTA_SPECIALS.every((t) => (vocab.get(t) ?? 99) <= 4);
  const sentinels = options.sentinels ?? (looksLikeCodeT5 ? 100 : 0);
  // T5 convention: <extra_id_0> has the highest id, <extra_id_{n-1}> the first id after the vocab.
  const base = maxOf(vocab.values()) + 1;
  for (let i = 0; i < sentinels; i++) addToken({ content: `<extra_id_${i}>`, id: base + sentinels - 1 - i, special: true });

  if (isObject(addedJson)) {
    for (const [content, id] of Object.entries(addedJson)) {
      if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) {
        throw new TokenizerLoadError(addedJsonPath, `token ${JSON.stringify(content)} has id ${JSON.stringify(id)}, not a non-negative integer`);
      }
      addToken({ content, id });
    }
  }
  const specialNames = new Map<string, string>(); // bos_token -> "<s>"
  for (const source of [specialMap, config]) {
    if (!isObject(source)) continue;
    for (const key of SPECIAL_KEYS) {
      const spec = tokenSpecOf(source[key]);
      if (!spec) continue;
      specialNames.set(key, spec.content);
      addToken({ ...spec, special: true, lstrip: spec.lstrip ?? (key === 'mask_token'), normalized: false });
    }
    const extra = source.additional_special_tokens;
    if (Array.isArray(extra)) {
      for (const e of extra) {
        const spec = tokenSpecOf(e);
        if (spec) addToken({ ...spec, special: true, normalized: false });
      }
    }
  }
  // Newer transformers write the exact AddedToken flags here; they win.
  if (isObject(config) && isObject(config.added_tokens_decoder)) {
    for (const [idText, v] of Object.entries(config.added_tokens_decoder)) {
      const spec = tokenSpecOf(v);
      const id = Number(idText);
      if (!spec || !Number.isInteger(id)) throw new TokenizerLoadError(configPath, `added_tokens_decoder entry ${JSON.stringify(idText)} is malformed`);
      addToken({ ...spec, id, special: isObject(v) && v.special === true });
    }
  }
  // Slow-tokenizer semantics: special tokens are matched on the raw text. Plain added tokens would
  // be matched after normalization, but there is no normalizer, so only the pass order differs.
  const addedTokens = [...added.values()];
  const specialIds = {
    bos: idOf(specialNames.get('bos_token') ?? '<s>'),
    eos: idOf(specialNames.get('eos_token') ?? '</s>'),
    pad: idOf(specialNames.get('pad_token') ?? '<pad>'),
    unk: idOf(specialNames.get('unk_token') ?? '<unk>'),
  };
  return new ByteLevelBpeTokenizer({
    name,
    vocab,
    merges,
    addedTokens,
    specialIds,
    describeError: (problem) => new TokenizerLoadError(dir, problem),
  });
}


// ---- tokenizer.json --------------------------------------------------------------------------

/** model.vocab and model.merges of a tokenizer.json (merges as "a b" strings or [a, b] pairs). */
function bpeOfTokenizerJsonModel(model: { [k: string]: Json }, path: string): BpeFiles {
  const vocab = parseVocab(model.vocab, `${path} (model.vocab)`);
  if (!Array.isArray(model.merges)) throw new TokenizerLoadError(path, 'model.merges must be an array');
  const merges = model.merges.map((m: unknown, i: number): [string, string] => {
    if (typeof m === 'string') {
      const parts = m.split(' ');
      if (parts.length === 2 && parts[0] && parts[1]) return [parts[0], parts[1]];
    } else if (Array.isArray(m) && m.length === 2 && typeof m[0] === 'string' && typeof m[1] === 'string') {
      return [m[0], m[1]];
    }
    throw new TokenizerLoadError(path, `model.merges[${i}] is not a merge rule: ${JSON.stringify(m)}`);
  });
  return { vocab, merges };
}

/** A byte-level BPE vocabulary and its merge rules in rank order (index = rank). */
export interface BpeFiles {
  /** token string (byte-level unicode form, e.g. "Ġget") → id */
  readonly vocab: ReadonlyMap<string, number>;
  readonly merges: ReadonlyArray<readonly [string, string]>;
}

/**
 * The vocabulary and merge rules of a tokenizer folder or tokenizer.json, read and checked exactly
 * as loadTokenizer reads them (the one parser of these files; the merger's training data uses it).
 */
export function readBpeFiles(path: string): BpeFiles {
  const json = statSync(path).isFile() ? path : join(path, 'tokenizer.json');
  if (existsSync(json)) {
    const parsed = readJson(json);
    if (!isObject(parsed) || !isObject(parsed.model)) throw new TokenizerLoadError(json, 'no "model" section');
    return bpeOfTokenizerJsonModel(parsed.model, json);
  }
  const vocabPath = join(path, 'vocab.json');
  const mergesPath = join(path, 'merges.txt');
  for (const p of [vocabPath, mergesPath]) {
    if (!existsSync(p)) throw new TokenizerLoadError(path, `expected tokenizer.json, or vocab.json and merges.txt; missing ${basename(p)}`);
  }
  const vocab = parseVocab(readJson(vocabPath), vocabPath);
  const mergesText = readText(mergesPath);
  const merges = parseMergesTxt(mergesText, mergesPath);
  checkMergesComplete(mergesText, merges, vocab, mergesPath);
  return { vocab, merges };
}

function loadTokenizerJson(path: string, name: string): ByteLevelBpeTokenizer {
  const json = readJson(path);
  const fail = (problem: string): never => {
    throw new TokenizerLoadError(path, problem);
  };
  if (!isObject(json)) return fail('tokenizer.json must be a JSON object');
  const model = json.model;
  if (!isObject(model)) return fail('no "model" section');
  if (model.type !== undefined && model.type !== 'BPE') return fail(`model type ${JSON.stringify(model.type)} is not supported (only byte-level BPE)`);
  if (model.dropout !== undefined && model.dropout !== null && model.dropout !== 0) fail('BPE dropout is not supported');
  if (model.continuing_subword_prefix) fail('BPE continuing_subword_prefix is not supported');
  if (model.end_of_word_suffix) fail('BPE end_of_word_suffix is not supported');
  if (model.byte_fallback) fail('BPE byte_fallback is not supported (that is a SentencePiece-style BPE, not byte-level)');
  if (json.normalizer !== undefined && json.normalizer !== null) {
    fail(`normalizer ${JSON.stringify(isObject(json.normalizer) ? json.normalizer.type : json.normalizer)} is not supported`);
  }
  const { vocab, merges } = bpeOfTokenizerJsonModel(model, path);
  const preTokenizer = parsePreTokenizer(json.pre_tokenizer, fail);
  const addedTokens: AddedTokenSpec[] = [];
  const addedRaw = json.added_tokens ?? [];
  if (!Array.isArray(addedRaw)) return fail('added_tokens must be an array');
  addedRaw.forEach((t: unknown, i: number) => {
    if (!isObject(t) || typeof t.content !== 'string' || typeof t.id !== 'number') return fail(`added_tokens[${i}] needs "id" and "content"`);
    addedTokens.push({
      content: t.content,
      id: t.id,
      special: t.special === true,
      lstrip: t.lstrip === true,
      rstrip: t.rstrip === true,
      singleWord: t.single_word === true,
      // HF's default: special tokens are not normalized, others are.
      normalized: typeof t.normalized === 'boolean' ? t.normalized : t.special !== true,
    });
  });
  const byContent = new Map<string, number>([...vocab, ...addedTokens.map((t): [string, number] => [t.content, t.id])]);
  const unkToken = typeof model.unk_token === 'string' ? model.unk_token : undefined;
  const specialIds: Tokenizer['specialIds'] = {
    bos: byContent.get('<s>') ?? byContent.get('<|endoftext|>'),
    eos: byContent.get('</s>') ?? byContent.get('<|endoftext|>'),
    pad: byContent.get('<pad>'),
    unk: unkToken !== undefined ? byContent.get(unkToken) : undefined,
  };
  return new ByteLevelBpeTokenizer({
    name,
    vocab,
    merges,
    addedTokens,
    preTokenizer,
    specialIds,
    ignoreMerges: model.ignore_merges === true,
    describeError: (problem) => new TokenizerLoadError(path, problem),
  });
}

function parsePreTokenizer(pt: unknown, fail: (problem: string) => never): PreTokenizerConfig {
  if (!isObject(pt)) return fail('pre_tokenizer is missing; a byte-level BPE needs a ByteLevel pre-tokenizer');
  const parts = pt.type === 'Sequence' ? pt.pretokenizers : [pt];
  if (!Array.isArray(parts)) return fail('pre_tokenizer Sequence has no "pretokenizers" array');
  const steps: PreTokenizerStep[] = [];
  let addPrefixSpace = false;
  let sawByteLevel = false;
  parts.forEach((p: unknown, i: number) => {
    if (!isObject(p)) return fail(`pre_tokenizer step ${i} is not an object`);
    switch (p.type) {
      case 'ByteLevel':
        if (sawByteLevel) fail('more than one ByteLevel pre-tokenizer is not supported');
        sawByteLevel = true;
        if (p.add_prefix_space === true) {
          if (i > 0) fail('ByteLevel add_prefix_space after other pre-tokenizer steps is not supported');
          addPrefixSpace = true;
        }
        if (p.use_regex !== false) steps.push({ kind: 'gpt2' });
        return;
      case 'Digits':
        steps.push({ kind: 'digits', individual: p.individual_digits === true });
        return;
      case 'Split': {
        const pattern = p.pattern;
        let regex: RegExp;
        if (isObject(pattern) && typeof pattern.String === 'string') {
          regex = new RegExp(pattern.String.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&'), 'gu');
        } else if (isObject(pattern) && typeof pattern.Regex === 'string') {
          try {
            regex = new RegExp(pattern.Regex, 'gu');
          } catch (err) {
            return fail(`Split pattern ${JSON.stringify(pattern.Regex)} is not valid JavaScript regex syntax (${(err as Error).message}); Oniguruma-only patterns are not supported`);
          }
        } else {
          return fail(`Split step ${i} has no String or Regex pattern`);
        }
        const behaviors: Record<string, SplitBehavior> = { Isolated: 'isolated', Removed: 'removed', Contiguous: 'contiguous' };
        const behavior = behaviors[String(p.behavior)];
        if (!behavior) fail(`Split behavior ${JSON.stringify(p.behavior)} is not supported (only Isolated, Removed, Contiguous)`);
        steps.push({ kind: 'split', regex, behavior, invert: p.invert === true });
        return;
      }
      default:
        return fail(`pre_tokenizer ${JSON.stringify(p.type)} is not supported (ByteLevel, Split, Digits in a Sequence are)`);
    }
  });
  if (!sawByteLevel) fail('pre_tokenizer has no ByteLevel step, so this is not a byte-level BPE tokenizer');
  return { steps, addPrefixSpace };
}
