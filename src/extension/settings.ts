// The extension's settings as plain data: one table declares each key's type, default and
// description, `parseSettings` normalizes raw values against it, and the `contributes.configuration`
// section of package.json is generated from the same table (test/extension/manifest.test.ts checks
// they agree). No `vscode` import, so it is testable under plain node:test; config.ts is the only
// place that reads VS Code's configuration.

import { MERGING_STRATEGIES, type MergingStrategy } from '../core/runtime/merge';
import { DEVICES, type Device } from '../core/runtime/providers';

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
  readonly allowDownloads: boolean;
  readonly hubEndpoint: string;
  /** A model folder chosen by hand; when set it replaces `model`. */
  readonly modelPath: string;
  /** Merge after encoder block K (0: at the embeddings); checked against the model when it runs. */
  readonly mergeLayer: number;
}

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
