// The samples section of a tree report with --unit function, from the files' outcomes.
import { modelConfig } from '../flops';
import { defaultReportProfile, type ReportProfile } from '../report/profile-flops';
import type { FileResult } from '../report/batch';
import type { SampleRecord } from './analyze-sample';
import { SampleCollector, type SamplesSection } from './section';
import type { SampleWindow } from './types';

export interface TreeSamplesMeta {
  modelKey: string;
  profile?: ReportProfile;
  specials: number;
  window: SampleWindow;
  topLimit: number;
  /** Shard runs: carry what `combine` needs (section.parts). */
  includeParts: boolean;
}

/** The section, and every sample's record (for --per-sample), in path and line order. */
export function treeSamples(results: readonly FileResult[], meta: TreeSamplesMeta): { section: SamplesSection; records: SampleRecord[] } {
  const cfg = modelConfig(meta.modelKey);
  const profile = meta.profile ?? defaultReportProfile(cfg);
  const collector = new SampleCollector({ cfg, profile, specials: meta.specials, topLimit: meta.topLimit });
  const records: SampleRecord[] = [];
  for (const r of results) {
    if (r.kind !== 'file' || !r.samples) continue;
    for (const s of r.samples.samples) {
      collector.add(s);
      records.push(s);
    }
    if (r.samples.outside.files > 0) collector.addOutside(r.samples.outside);
  }
  const section = collector.build({ cfg, profile, specials: meta.specials, unit: 'function', window: meta.window, source: { kind: 'tree' }, topLimit: meta.topLimit, includeParts: meta.includeParts });
  return { section, records };
}
