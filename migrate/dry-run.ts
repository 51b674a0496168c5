/**
 * --dry-run: what a migration would move, how big it is and how long it should take (from a
 * sample read of the source), without writing anything anywhere (not even the state
 * directory). The target is read too: documents already there are counted, since a copy into
 * a target that has data is merged, not replaced.
 */
import { performance } from "node:perf_hooks";
import type { Db } from "mongodb";
import { formatDuration } from "./progress";
import { overCap } from "./removed";

/** What --carry-deletes would remove from one collection, found by comparing both sides. */
export interface PlannedDeletes {
  collection: string;
  /** Copied earlier, deleted on the source since (idText). */
  ids: string[];
  onTarget: number;
  /** Only on the target and never copied: never removed. */
  kept: number;
}

/** `_id`s listed per collection; the rest is counted. */
const IDS_LISTED = 20;

/** The deletes first: what the final pass removes is what an operator must read before it runs. */
export function formatPlannedDeletes(
  plans: readonly PlannedDeletes[],
  confirmed: number,
): string[] {
  const total = plans.reduce((sum, p) => sum + p.ids.length, 0);
  const lines = [
    `--carry-deletes would remove ${total} documents: copied earlier, deleted on the source since`,
  ];
  for (const plan of plans) {
    if (plan.ids.length > 0) {
      const more = plan.ids.length - IDS_LISTED;
      lines.push(
        `  ${plan.collection}: ${plan.ids.length} of ${plan.onTarget} on the target: ` +
          plan.ids.slice(0, IDS_LISTED).join(", ") +
          (more > 0 ? ` and ${more} more` : ""),
      );
      const refusal = overCap(plan.collection, plan.ids.length, plan.onTarget, confirmed);
      if (refusal) lines.push(`    refused as it stands: ${refusal}`);
    }
    if (plan.kept > 0) {
      lines.push(`  ${plan.collection}: ${plan.kept} only on the target and never copied: kept`);
    }
  }
  return lines;
}

/** The sample read that measures the source: whichever ends first. */
export const SAMPLE_DOCUMENTS = 5_000;
export const SAMPLE_MS = 3_000;

/**
 * How fast the source gives documents to the copy's own kind of read (raw, in `_id` order),
 * measured on the largest collection: a fixed rate (it said "at 2000 docs/s" whatever the
 * source) was wrong by 20x on a FerretDB v1 source. The copy also waits for the target, so
 * this is an upper bound on its speed, and the estimate says so.
 */
async function sampleReadRate(
  db: Db,
  collection: string,
  now: () => number,
): Promise<{ documents: number; seconds: number }> {
  const started = now();
  let documents = 0;
  const cursor = db
    .collection(collection)
    .find({}, { sort: { _id: 1 }, raw: true, batchSize: 1000, limit: SAMPLE_DOCUMENTS });
  try {
    for await (const _ of cursor) {
      documents++;
      if (now() - started >= SAMPLE_MS) break;
    }
  } finally {
    await cursor.close().catch(() => undefined);
  }
  return { documents, seconds: (now() - started) / 1000 };
}

interface Sized {
  count: number;
  bytes?: number;
}

/**
 * Count and size of the documents as they move (the sum of their BSON sizes). `collStats`
 * answers with the storage's size instead, which changes with the storage's state (180.7 and
 * 138.0 MiB for the same data in two runs): it is only the fallback.
 */
async function sizeOf(db: Db, collection: string): Promise<Sized> {
  const count = await db.collection(collection).countDocuments();
  try {
    const [sum] = await db
      .collection(collection)
      .aggregate([{ $group: { _id: null, bytes: { $sum: { $bsonSize: "$$ROOT" } } } }])
      .toArray();
    return { count, bytes: sum ? Number(sum.bytes) : 0 };
  } catch {
    // An older server without $bsonSize.
  }
  try {
    const stats = await db.command({ collStats: collection });
    const size = Number(stats.size);
    if (Number.isFinite(size)) return { count, bytes: size };
  } catch {
    // DocumentDB answers collStats through its own connections back into PostgreSQL, which a
    // misconfigured pg_hba refuses (docs/migration.md).
  }
  return { count };
}

const mib = (bytes?: number): string =>
  bytes === undefined ? "?" : `${(bytes / 1048576).toFixed(1)} MiB`;

export async function dryRun(
  source: Db,
  target: Db,
  collections: string[],
  skipped: string[] = [],
  deletes?: { plans: PlannedDeletes[]; confirmed: number },
  now: () => number = () => performance.now(),
): Promise<string> {
  const lines = [
    ...(deletes ? formatPlannedDeletes(deletes.plans, deletes.confirmed) : []),
    `${"collection".padEnd(16)}${"documents".padStart(11)}${"size".padStart(13)}${"on target".padStart(11)}`,
  ];
  let documents = 0;
  let bytes = 0;
  const counts: number[] = [];
  for (const collection of collections) {
    const [s, t] = await Promise.all([sizeOf(source, collection), sizeOf(target, collection)]);
    counts.push(s.count);
    documents += s.count;
    bytes += s.bytes ?? 0;
    lines.push(
      `${collection.padEnd(16)}${String(s.count).padStart(11)}${mib(s.bytes).padStart(13)}${String(t.count).padStart(11)}`,
    );
  }
  for (const collection of skipped) {
    const s = await sizeOf(source, collection);
    lines.push(
      `${collection.padEnd(16)}${String(s.count).padStart(11)}${mib(s.bytes).padStart(13)}  left behind (--skip-collections)`,
    );
  }
  const largest = collections.reduce<{ name?: string; count: number }>(
    (best, name, i) => (counts[i] > best.count ? { name, count: counts[i] } : best),
    { count: 0 },
  );
  if (largest.name) {
    const sample = await sampleReadRate(source, largest.name, now);
    const rate = sample.seconds > 0 ? sample.documents / sample.seconds : 0;
    lines.push(
      `${documents} documents, ${mib(bytes)}; the source gave ${sample.documents} documents of ` +
        `${largest.name} in ${sample.seconds.toFixed(1)} s (${Math.round(rate)} docs/s): the copy ` +
        `takes at least ${rate > 0 ? formatDuration(documents / rate) : "?"} (it also waits for the target)`,
    );
  } else {
    lines.push(`${documents} documents: nothing to copy`);
  }
  lines.push("dry run: nothing was written");
  return `${lines.join("\n")}\n`;
}
