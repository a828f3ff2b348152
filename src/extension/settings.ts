// The extension's settings as plain data: one table declares each key's type, default and
// description, `parseSettings` normalizes raw values against it, and the `contributes.configuration`
// section of package.json is generated from the same table (test/extension/manifest.test.ts checks
// they agree). No `vscode` import, so it is testable under plain node:test; config.ts is the only
// place that reads VS Code's configuration.

import { MERGING_STRATEGIES, type MergingStrategy } from '../core/runtime/merge';
import { DEVICES, type Device } from '../core/runtime/providers';
import { FLOP_PROFILES } from '../core/task-flops';

export const SECTION = 'subtokenLens';

// The choices of `strategy` and `provider` are the core's lists, so a strategy or device added there
// reaches the setting (and package.json, through test/extension/manifest.test.ts) without a second list.
export type Strategy = MergingStrategy;
export type Provider = Device;

/** One line per core strategy (a strategy added in core without one does not compile). */
const STRATEGY_DESCRIPTIONS: Readonly<Record<Strategy, string>> = {
  average: 'Mean of the subtoken embeddings.',
  learned: 'Attention-weighted merger trained for the model.',
};

export const HOVER_DETAILS = ['compact', 'full'] as const;
export type HoverDetail = (typeof HOVER_DETAILS)[number];

/** Encoder the numbers are computed for. `embedded-*` are shipped random-weight models. */
export const MODELS = ['embedded-tiny', 'embedded-small', 'codet5-small', 'codet5-base', 'codet5p-220m', 'codet5-base-multi-sum'] as const;
export type ModelChoice = (typeof MODELS)[number];

export interface Settings {
  readonly tokenizerPath: string;
  readonly model: ModelChoice;
  readonly strategy: Strategy;
  readonly provider: Provider;
  readonly hoverEnabled: boolean;
  readonly hoverDetail: HoverDetail;
  readonly reportInclude: readonly string[];
  readonly reportExclude: readonly string[];
  readonly reportMaxFileSize: number;
  /** Keep each file's report result in the cache folder and reuse it while the file is unchanged. */
  readonly reportCache: boolean;
  readonly allowDownloads: boolean;
  readonly hubEndpoint: string;
  /** A model folder chosen by hand; when set it replaces `model`. */
  readonly modelPath: string;
  /** Merge after encoder block K (0: at the embeddings); checked against the model when it runs. */
  readonly mergeLayer: number;
  /** Whole-model FLOPs of this task profile beside the encoder's ('default': the model's own). */
  readonly flopProfile: FlopProfileChoice;
  /** Decoder positions per window for the seq2seq profile. */
  readonly outputLength: number;
  /** Interleaved timing budget per window, in ms (0: the minimum number of runs only). */
  readonly timingBudgetMs: number;
}

/** `default` lets the model decide (CodeT5: classify; encoder-only models: encoder). */
export const FLOP_PROFILE_CHOICES = ['default', ...FLOP_PROFILES] as const;
export type FlopProfileChoice = (typeof FLOP_PROFILE_CHOICES)[number];

type Spec =
  | { type: 'string'; default: string; enum?: readonly string[]; enumDescriptions?: readonly string[] }
  | { type: 'boolean'; default: boolean }
  | { type: 'number'; default: number; minimum: number }
  | { type: 'integer'; default: number; minimum: number }
  | { type: 'array'; default: readonly string[] };

interface SettingSpec<K extends keyof Settings> {
  readonly field: K;
  /** Key under the `subtokenLens.` section. */
  readonly key: string;
  readonly description: string;
  readonly spec: Spec;
  /** `resource` settings may differ per folder; `window` ones are per window. `machine` ones are
   *  left out of the User tab in remote windows (code-server, SSH, WSL); `machine-overridable` ones
   *  can be set there and overridden per workspace, so paths use it (PATH_REMOTE_NOTE). */
  readonly scope: 'window' | 'resource' | 'machine' | 'machine-overridable';
}

type AnySpec = { [K in keyof Settings]: SettingSpec<K> }[keyof Settings];

/** Appended to path settings: where a path in a remote window points, and where else to set it. */
const PATH_REMOTE_NOTE = ' In a remote window (SSH, WSL, code-server) the path is read on the remote machine; '
  + 'set it in the User tab, or in the workspace settings to override it for one workspace.';

export const SETTING_SPECS: readonly AnySpec[] = [
  {
    field: 'tokenizerPath', key: 'tokenizerPath', scope: 'machine-overridable',
    description: 'Folder holding the CodeT5 tokenizer (vocab.json + merges.txt, or tokenizer.json). '
      + 'Empty: the selected model\'s own tokenizer files if it has them, else the copy shipped with the extension.'
      + PATH_REMOTE_NOTE,
    spec: { type: 'string', default: '' },
  },
  {
    field: 'model', key: 'model', scope: 'window',
    description: 'Encoder the analysis runs and computes FLOPs for. The embedded models have the CodeT5 '
      + 'architecture but random weights: their latency and FLOPs are real, their output changes are not '
      + 'those of a trained model.',
    spec: {
      type: 'string', default: 'embedded-tiny', enum: MODELS,
      enumDescriptions: [
        'Shipped, random weights, tiny (2 layers, d=64): fast, numbers labelled "random weights".',
        'Shipped, random weights, CodeT5-small shape: realistic latency, numbers labelled "random weights".',
        'Salesforce/codet5-small (60M), downloaded on request.',
        'Salesforce/codet5-base (220M), downloaded on request.',
        'Salesforce/codet5p-220m, downloaded on request.',
        'Salesforce/codet5-base-multi-sum (220M, fine-tuned to summarize code), downloaded on request.',
      ],
    },
  },
  {
    field: 'strategy', key: 'strategy', scope: 'window',
    description: 'How the subtokens of one identifier are merged into one position: their average, or a '
      + 'learned weighted merger (see "Train Learned Merger").',
    spec: {
      type: 'string', default: 'average', enum: MERGING_STRATEGIES,
      enumDescriptions: MERGING_STRATEGIES.map((s) => STRATEGY_DESCRIPTIONS[s]),
    },
  },
  {
    field: 'provider', key: 'provider', scope: 'machine',
    description: 'onnxruntime execution provider. A GPU provider that fails to load falls back to the CPU, '
      + 'and the results say so.',
    spec: { type: 'string', default: 'auto', enum: DEVICES },
  },
  {
    field: 'hoverEnabled', key: 'hover.enabled', scope: 'window',
    description: 'Show the subtokens of the identifier under the mouse.',
    spec: { type: 'boolean', default: true },
  },
  {
    field: 'hoverDetail', key: 'hover.detail', scope: 'window',
    description: 'compact: subtokens and counts. full: also token ids and the file summary.',
    spec: { type: 'string', default: 'full', enum: HOVER_DETAILS },
  },
  {
    field: 'reportInclude', key: 'report.include', scope: 'resource',
    description: 'Files the workspace report reads, as .gitignore-style patterns (`src/**` under the folder\'s `src`, '
      + '`*.py` at any depth; `{a,b}` alternatives allowed). Empty: every file in a supported language.',
    spec: { type: 'array', default: [] },
  },
  {
    field: 'reportExclude', key: 'report.exclude', scope: 'resource',
    description: 'Files the workspace report skips, as .gitignore-style patterns, on top of the folder\'s .gitignore files '
      + 'and `#files.exclude#`.',
    spec: { type: 'array', default: ['**/node_modules/**', '**/.git/**', '**/dist/**', '**/out/**', '**/*.min.js'] },
  },
  {
    field: 'reportMaxFileSize', key: 'report.maxFileSize', scope: 'resource',
    description: 'Files larger than this many bytes are listed as skipped.',
    spec: { type: 'number', default: 1_048_576, minimum: 1 },
  },
  {
    field: 'reportCache', key: 'report.cache', scope: 'resource',
    description: 'Keep each file\'s result in `report-cache` in the cache folder (`~/.cache/subtoken-lens` unless `SUBTOKEN_LENS_CACHE` '
      + 'says otherwise; at most 256 MiB) and reuse it '
      + 'while the file, the tokenizer, the grammars and the options are unchanged: a re-run reads the files but analyses only '
      + 'the changed ones, and saving a file refreshes an open report.',
    spec: { type: 'boolean', default: true },
  },
  {
    field: 'allowDownloads', key: 'allowDownloads', scope: 'machine',
    description: 'Allow "Download Model..." to fetch weights and tokenizers from the Hugging Face Hub. '
      + 'Nothing is downloaded otherwise.',
    spec: { type: 'boolean', default: false },
  },
  {
    field: 'hubEndpoint', key: 'hubEndpoint', scope: 'machine',
    description: 'Where "Download Model..." fetches from: the Hugging Face Hub, or a mirror with the same URL layout '
      + '(`{endpoint}/api/models/{repo}/revision/{revision}` and `{endpoint}/{repo}/resolve/{commit}/{file}`).',
    spec: { type: 'string', default: 'https://huggingface.co' },
  },
  {
    field: 'modelPath', key: 'modelPath', scope: 'machine-overridable',
    description: 'Folder of a CodeT5 model: config.json with checkpoint weights (model.safetensors or pytorch_model.bin, '
      + 'sharded or not, as the Hub holds them) or an ONNX encoder (encoder_model.onnx, as Hugging Face Optimum exports it), '
      + 'chosen with "Select Model..." > "Choose Folder...". When set it replaces `#subtokenLens.model#`; its own vocab.json '
      + 'and merges.txt, if any, are its tokenizer.'
      + PATH_REMOTE_NOTE,
    spec: { type: 'string', default: '' },
  },
  {
    field: 'mergeLayer', key: 'mergeLayer', scope: 'window',
    description: 'Merge after encoder block K: blocks before K see every subtoken, blocks from K on run on the merged positions. '
      + '0 = at the embeddings (saves the most). Values above the model\'s layer count are refused with a message when the model runs.',
    spec: { type: 'integer', default: 0, minimum: 0 },
  },
  {
    field: 'flopProfile', key: 'flopProfile', scope: 'window',
    description: 'Which part of the model the whole-model FLOP figures of the analysis, "Compare Strategies", "Sweep Merge Layer" and the workspace report '
      + 'count, beside the encoder\'s. `default`: the model\'s own (CodeT5: `classify`).',
    spec: {
      type: 'string', default: 'default', enum: FLOP_PROFILE_CHOICES,
      enumDescriptions: [
        'The model\'s default: classify for CodeT5 (encoder-decoder) models.',
        'The encoder alone (embeddings, search, RoBERTa-shaped classifiers).',
        'Encoder + one teacher-forced decoder pass over subtokenLens.outputLength positions per window (generation tasks).',
        'CodeT5\'s classification recipe: the decoder reads the unmerged source, its cross-attention the merged encoder output.',
      ],
    },
  },
  {
    field: 'outputLength', key: 'outputLength', scope: 'window',
    description: 'Decoder positions per window for `#subtokenLens.flopProfile#` = `seq2seq` (the length of the generated output).',
    spec: { type: 'integer', default: 128, minimum: 1 },
  },
  {
    field: 'timingBudgetMs', key: 'timingBudgetMs', scope: 'window',
    description: 'Time budget per window, in milliseconds, for timing the unmerged and merged runs (interleaved): after 5 runs each, '
      + 'timing goes on until the speed-up\'s 95% interval is within ±5% or the budget is spent. 0: 5 runs each, nothing more '
      + '(faster, wider intervals).',
    spec: { type: 'integer', default: 1000, minimum: 0 },
  },
];

/** Keys whose change invalidates loaded state (tokenizer, model session). */
export const RELOAD_KEYS: readonly string[] = ['tokenizerPath', 'model', 'modelPath', 'provider', 'strategy'];

/** Reads each setting through `get` (raw, possibly user-mangled values) and normalizes it:
 *  a value of the wrong type or outside its enum falls back to the default and is reported. */
export function parseSettings(get: (key: string) => unknown): { settings: Settings; problems: string[] } {
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const s of SETTING_SPECS) {
    const raw = get(s.key);
    const value = normalize(s.spec, raw);
    if (value === undefined) {
      if (raw !== undefined && raw !== null) {
        problems.push(`${SECTION}.${s.key}: ${JSON.stringify(raw)} is not ${describe(s.spec)}; using ${JSON.stringify(s.spec.default)}.`);
      }
      out[s.field] = s.spec.default;
    } else {
      out[s.field] = value;
    }
  }
  return { settings: out as unknown as Settings, problems };
}

export const DEFAULT_SETTINGS: Settings = parseSettings(() => undefined).settings;

function normalize(spec: Spec, raw: unknown): unknown {
  switch (spec.type) {
    case 'string':
      if (typeof raw !== 'string') return undefined;
      if (spec.enum && !spec.enum.includes(raw)) return undefined;
      return spec.enum ? raw : raw.trim();
    case 'boolean':
      return typeof raw === 'boolean' ? raw : undefined;
    case 'number':
      return typeof raw === 'number' && Number.isFinite(raw) && raw >= spec.minimum ? raw : undefined;
    case 'integer':
      return typeof raw === 'number' && Number.isInteger(raw) && raw >= spec.minimum ? raw : undefined;
    case 'array':
      return Array.isArray(raw) && raw.every((x) => typeof x === 'string') ? [...raw] : undefined;
  }
}

function describe(spec: Spec): string {
  if (spec.type === 'string' && spec.enum) return `one of ${spec.enum.join(', ')}`;
  if (spec.type === 'number') return `a number ≥ ${spec.minimum}`;
  if (spec.type === 'integer') return `a whole number ≥ ${spec.minimum}`;
  if (spec.type === 'array') return 'a list of strings';
  return `a ${spec.type}`;
}

/** The `contributes.configuration` object for package.json. */
export function configurationContribution(): object {
  const properties: Record<string, object> = {};
  for (const s of SETTING_SPECS) {
    const p: Record<string, unknown> = {
      type: s.spec.type, default: s.spec.default, markdownDescription: s.description, scope: s.scope,
      order: Object.keys(properties).length,
    };
    if (s.spec.type === 'string' && s.spec.enum) {
      p.enum = s.spec.enum;
      if (s.spec.enumDescriptions) p.enumDescriptions = s.spec.enumDescriptions;
    }
    if (s.spec.type === 'number' || s.spec.type === 'integer') p.minimum = s.spec.minimum;
    if (s.spec.type === 'array') p.items = { type: 'string' };
    properties[`${SECTION}.${s.key}`] = p;
  }
  return { title: 'Subtoken Lens', properties };
}
