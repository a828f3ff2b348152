// One window rule for `report` and `analyze` (issue 8, item 5): a multi-window file gives the same
// window count, merged lengths and FLOPs in both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeText } from '../../../src/core/report/stats';
import { buildReport } from '../../../src/core/report/aggregate';
import { planFile } from '../../../src/core/runtime/plan-input';
import { splitIntoWindows } from '../../../src/core/runtime/windows';
import { mergeMapping } from '../../../src/core/runtime/merge';
import { encoderFlops, modelConfig } from '../../../src/core/flops';
import { sumTaskFlops, taskFlops } from '../../../src/core/task-flops';
import { codet5, extractor } from '../helpers';

// Long identifiers everywhere, so window boundaries cut some groups.
const TEXT = Array.from({ length: 90 }, (_, i) =>
  `def compute_weighted_average_score_${i}(student_records, assignment_weights):\n    total_weighted_score = sum(record.raw_score * assignment_weights[record.assignment_id] for record in student_records)\n    return total_weighted_score / max(1, len(student_records))\n`).join('');

test('report and analyze pack a multi-window file the same way: same windows, each shortened', { timeout: 60000 }, async () => {
  const tokenizer = codet5();
  const ex = await extractor('python');
  const capacity = 510, specials = 2;
  const { stats } = analyzeText({
    path: 'grades.py', text: TEXT, bytes: TEXT.length, language: 'python', tokenizer,
    spans: ex.extract(TEXT, 'python'), scope: 'identifiers', window: { capacity, specials },
  });
  const plan = await planFile(TEXT, 'grades.py', tokenizer, ex);
  const windows = splitIntoWindows(plan, 0, 2, capacity);
  assert.ok(windows.length >= 3, `a multi-window file: ${windows.length} windows`);
  assert.ok(windows.some((w) => w.cutGroups > 0), 'some group crosses a window boundary');
  const runtimeLengths = windows.map((w) => [w.ids.length, mergeMapping(w.ids.length, w.groups).length]);
  const reportLengths = stats.windows.map(([tokens, merged]) => [tokens + specials, merged + specials]);
  assert.deepEqual(reportLengths, runtimeLengths, 'the same windows and merged lengths');
  assert.equal(stats.windowsAfter.count, windows.length, 'merging does not re-pack into fewer windows');
  assert.equal(stats.windowsAfter.sum, runtimeLengths.reduce((a, [, m]) => a + m!, 0));

  // And the FLOPs analyze sums over its windows are the report's.
  const cfg = modelConfig('codet5-base');
  const report = buildReport([stats], {}, [], {
    toolVersion: 'test', tokenizer: 'codet5', modelKey: cfg.key, scope: 'identifiers', spanEngine: 'tree-sitter',
    window: { capacity, specials }, root: 'r', shard: null, topLimit: 0, includeIdentifierTable: false,
  });
  const analyzeAfter = runtimeLengths.reduce((a, [, m]) => a + encoderFlops(cfg, m!).total, 0);
  assert.equal(report.totals.flopsAfter, analyzeAfter);
  const task = sumTaskFlops(runtimeLengths.map(([n, m]) => taskFlops(cfg, { profile: 'classify', inputTokens: n!, mergedTokens: m! })))!;
  assert.equal(report.totals.modelFlopsBefore, task.before.total);
  assert.equal(report.totals.modelFlopsAfter, task.after.total);
  assert.equal(report.totals.flopSavingPct.toFixed(6), (100 * task.encoderSaving).toFixed(6));
});
