/**
 * --dry-run: what a migration would move, how big it is and how long it should take,
 * without writing anything anywhere (not even the state directory). The target is read too:
 * documents already there are counted, since a copy into a target that has data is merged,
 * not replaced.
 */
import type { Db } from "mongodb";
import { formatDuration } from "./progress";

/**
 * Documents per second a whole migration moves (copy, indexes, catch-up, verification),
 * rounded down from `npm run bench:migrate`: 205,778 documents in 93 s = 2,213 docs/s,
 * FerretDB v2 to FerretDB v2 on one loaded two-core machine (docs/migration.md). A hosted
 * source across the internet is slower; the estimate says so.
 */
export const ESTIMATE_DOCS_PER_SECOND = 2_000;

interface Sized {
  count: number;
  bytes?: number;
}

async function sizeOf(db: Db, collection: string): Promise<Sized> {
  const count = await db.collection(collection).countDocuments();
  try {
    const stats = await db.command({ collStats: collection });
    const size = Number(stats.size);
    if (Number.isFinite(size)) return { count, bytes: size };
  } catch {
    // DocumentDB answers collStats through its own connections back into PostgreSQL, which a
    // misconfigured pg_hba refuses (docs/migration.md): sum the documents' sizes instead.
  }
  try {
    const [sum] = await db
      .collection(collection)
      .aggregate([{ $group: { _id: null, bytes: { $sum: { $bsonSize: "$$ROOT" } } } }])
      .toArray();
    return { count, bytes: sum ? Number(sum.bytes) : 0 };
  } catch {
    return { count };
  }
}

const mib = (bytes?: number): string =>
  bytes === undefined ? "?" : `${(bytes / 1048576).toFixed(1)} MiB`;

export async function dryRun(
  source: Db,
  target: Db,
  collections: string[],
  skipped: string[] = [],
): Promise<string> {
  const lines = [
    `${"collection".padEnd(16)}${"documents".padStart(11)}${"size".padStart(13)}${"on target".padStart(11)}`,
  ];
  let documents = 0;
  let bytes = 0;
  for (const collection of collections) {
    const [s, t] = await Promise.all([sizeOf(source, collection), sizeOf(target, collection)]);
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
  lines.push(
    `${documents} documents, ${mib(bytes)}; estimated ${formatDuration(documents / ESTIMATE_DOCS_PER_SECOND)} ` +
      `at ${ESTIMATE_DOCS_PER_SECOND} docs/s (measured locally; a hosted source across the internet is slower)`,
    "dry run: nothing was written",
  );
  return `${lines.join("\n")}\n`;
}
