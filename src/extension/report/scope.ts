// Which files the workspace report reads and how it runs, from the settings: the report's own
// include/exclude patterns, VS Code's `files.exclude`, the size limit and the worker count. Pure (no
// `vscode`), so test/extension/reportScope.test.ts checks the pattern translation.
import type { ReportProgress } from '../../core/report/run';
import { bytesOf } from '../../core/report/format/numbers';
import { MODEL_CONFIGS, modelConfig } from '../../core/flops';
import { defaultProfile } from '../../core/task-flops';
import { checkReportProfile, defaultReportProfile, type ReportProfile } from '../../core/report/profile-flops';
import type { Settings } from '../settings';

/**
 * The architecture whose FLOPs the workspace report counts for the selected model: its own shape,
 * CodeT5-base's for the fine-tuned codet5-base-multi-sum (same architecture), and CodeT5-small's for
 * the embedded random-weight models (the tiny one has no real-world counterpart).
 */
export function reportModelKey(model: string): string {
  if (model.startsWith('embedded')) return 'codet5-small';
  if (model === 'codet5-base-multi-sum') return 'codet5-base';
  return MODEL_CONFIGS.some((c) => c.key === model) ? model : 'codet5-base';
}

/**
 * The whole-model FLOP profile of the workspace report, from the same settings Analyze and Compare
 * use (`default`: the model's own). A profile the report's model cannot have (seq2seq on an
 * encoder-only shape) falls back to the model's default, with the reason for the log.
 */
export function reportProfile(settings: Pick<Settings, 'flopProfile' | 'outputLength'>, modelKey: string): { profile: ReportProfile; fallback?: string } {
  const cfg = modelConfig(modelKey);
  const name = settings.flopProfile === 'default' ? defaultProfile(cfg) : settings.flopProfile;
  try {
    return { profile: checkReportProfile(cfg, name === 'seq2seq' ? { name, outputLength: settings.outputLength } : { name }) };
  } catch (e) {
    return { profile: defaultReportProfile(cfg), fallback: (e as Error).message };
  }
}

/** Worker threads for a report: every core but one, which stays with the editor. */
export function reportJobs(cores: number): number {
  return Math.max(1, Math.floor(cores) - 1);
}

/** Expands `{a,b}` alternatives (nested too), which gitignore patterns do not have. */
export function expandBraces(pattern: string): string[] {
  const open = pattern.indexOf('{');
  if (open < 0) return [pattern];
  let depth = 0;
  const commas: number[] = [];
  for (let i = open; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '{') depth++;
    else if (c === '}' && --depth === 0) {
      if (commas.length === 0) {
        // `{x}` without alternatives is literal text in VS Code globs too: keep it, expand the rest.
        return expandBraces(pattern.slice(i + 1)).map((rest) => pattern.slice(0, i + 1) + rest);
      }
      const head = pattern.slice(0, open);
      const tail = pattern.slice(i + 1);
      const bounds = [open, ...commas, i];
      const out: string[] = [];
      for (let k = 0; k + 1 < bounds.length; k++) {
        for (const alt of expandBraces(pattern.slice(bounds[k]! + 1, bounds[k + 1]!))) {
          out.push(...expandBraces(head + alt + tail));
        }
      }
      return out;
    } else if (c === ',' && depth === 1) commas.push(i);
  }
  return [pattern]; // unbalanced: leave it as written
}

/**
 * VS Code glob → gitignore-style patterns (what the core's walker takes). A VS Code glob matches the
 * path relative to the folder, so a pattern without `/` names a root entry only; gitignore would match
 * it at any depth, hence the leading `/`. `**` and `*` mean the same in both.
 */
export function globToGitignore(glob: string): string[] {
  const trimmed = glob.trim().replace(/^\.\//, '');
  if (!trimmed) return [];
  return expandBraces(trimmed).map((p) => (p.includes('/') || p.startsWith('/') ? p : `/${p}`));
}

/**
 * VS Code's `files.exclude` (`{ glob: true | false | { when } }`) as gitignore patterns. Only
 * plain `true` entries apply; `when` conditions (exclude `x.js` when `x.ts` exists) need the
 * sibling files, which the walker does not look at, so they are returned as `unsupported`.
 */
export function filesExcludePatterns(filesExclude: unknown): { patterns: string[]; unsupported: string[] } {
  const patterns: string[] = [];
  const unsupported: string[] = [];
  if (!filesExclude || typeof filesExclude !== 'object') return { patterns, unsupported };
  for (const [glob, value] of Object.entries(filesExclude as Record<string, unknown>)) {
    if (value === true) patterns.push(...globToGitignore(glob));
    else if (value && typeof value === 'object') unsupported.push(glob);
  }
  return { patterns, unsupported };
}

export interface ReportScopeInput {
  readonly include: readonly string[];
  readonly exclude: readonly string[];
  /** The folder's `files.exclude`, as VS Code returns it. */
  readonly filesExclude: unknown;
}

/** Include and exclude patterns for `runReport` (`.gitignore` files are read by the walker itself). */
export function reportPatterns(input: ReportScopeInput): { include: string[]; exclude: string[]; unsupported: string[] } {
  const fromFiles = filesExcludePatterns(input.filesExclude);
  const clean = (list: readonly string[]) => list.map((p) => p.trim()).filter((p) => p.length > 0);
  return {
    include: clean(input.include).flatMap(expandBraces),
    exclude: [...clean(input.exclude).flatMap(expandBraces), ...fromFiles.patterns],
    unsupported: fromFiles.unsupported,
  };
}

/** What the progress notification says, and how far along the bar is (0-100). */
export function progressText(p: ReportProgress): { message: string; percent: number } {
  if (p.phase === 'walking') return { message: 'listing files…', percent: 0 };
  const percent = p.total > 0 ? Math.min(100, (p.done / p.total) * 100) : 100;
  return {
    message: `${p.done}/${p.total} files (${bytesOf(p.bytesDone, p.bytesTotal)})${p.current ? ` · ${p.current}` : ''}`,
    percent,
  };
}
