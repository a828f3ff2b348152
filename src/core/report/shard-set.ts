// Which shards of a `--shard K/N` partition a set of reports holds, and whether they make up the
// whole tree. `combine` presents its result as the whole tree only when they do: a missing shard
// would silently drop its files from every total.
import type { ReportJson, ShardSet } from './schema';

/** The shards one report holds: its own shard, the shards of a partial combine, or (an unsharded
 *  or complete report) the one shard of a partition into one. */
export function heldShards(r: Pick<ReportJson, 'shard' | 'shards'>): ShardSet {
  if (r.shards) return { count: r.shards.count, indexes: [...r.shards.indexes] };
  if (r.shard) return { count: r.shard.count, indexes: [r.shard.index] };
  return { count: 1, indexes: [0] };
}

/** "shard 2/3", "shards 1, 3/4", "the whole tree" (1-based, as `--shard` takes them). */
export function describeShards(s: ShardSet): string {
  if (s.count === 1) return 'the whole tree';
  const list = s.indexes.map((i) => i + 1).join(', ');
  return `${s.indexes.length === 1 ? 'shard' : 'shards'} ${list}/${s.count}`;
}

function isShardSet(s: ShardSet): boolean {
  return Number.isInteger(s.count) && s.count >= 1 &&
    s.indexes.length > 0 && s.indexes.every((i) => Number.isInteger(i) && i >= 0 && i < s.count);
}

/**
 * Checks that `parts` hold each shard of one partition at most once and, unless `allowPartial`,
 * every shard. Returns the shards held when some are missing (a partial result), undefined when
 * the parts cover the whole tree. Throws an Error with a one-line message naming the reports.
 */
export function checkShardCoverage(parts: readonly ReportJson[], names: readonly string[], allowPartial: boolean): ShardSet | undefined {
  const name = (k: number) => names[k] ?? `report ${k + 1}`;
  const held = parts.map(heldShards);
  held.forEach((s, k) => {
    if (!isShardSet(s)) throw new Error(`${name(k)} has a malformed shard field: ${JSON.stringify(parts[k]!.shards ?? parts[k]!.shard)}`);
  });
  const count = held[0]!.count;
  const other = held.findIndex((s) => s.count !== count);
  if (other >= 0) {
    throw new Error(`the reports come from different shard partitions: ${name(0)} holds ${describeShards(held[0]!)}, ${name(other)} holds ${describeShards(held[other]!)}`);
  }
  const owner = new Map<number, number>();
  held.forEach((s, k) => {
    for (const i of s.indexes) {
      const first = owner.get(i);
      if (first !== undefined) {
        throw new Error(`shard ${i + 1}/${count} appears in more than one shard report (${name(first)} and ${name(k)}): each shard may be combined once`);
      }
      owner.set(i, k);
    }
  });
  const indexes = [...owner.keys()].sort((a, b) => a - b);
  if (indexes.length === count) return undefined;
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !owner.has(i));
  if (!allowPartial) {
    throw new Error(
      `incomplete set of shards: ${missing.length === 1 ? 'shard' : 'shards'} ${missing.map((i) => i + 1).join(', ')}/${count} missing; ` +
        `the result would present ${indexes.length} of ${count} shards as the whole tree (pass --allow-partial to combine them anyway, labelled partial)`,
    );
  }
  return { count, indexes };
}

/** The note a partial result carries, so that every rendering says what it lacks. */
export function partialNote(s: ShardSet): string {
  const missing = Array.from({ length: s.count }, (_, i) => i).filter((i) => !s.indexes.includes(i));
  return `Partial: combines ${describeShards(s)} only (missing: ${missing.map((i) => i + 1).join(', ')}); the totals cover those shards' files, not the whole tree.`;
}
