/**
 * Indexes on the target: the ones Nightscout 15.0.7 creates at start-up (its
 * `indexedFields` lists: lib/server/{entries,treatments,devicestatus,profile,food,
 * activity}.js and lib/authorization/storage.js, read from the vendored
 * cgm-remote-monitor-15.0.7 tarball) must exist afterwards, so the first queries after the
 * move are not collection scans; any other index the source has is copied when the target
 * accepts it, and reported when not.
 */
import type { Db, Document, IndexDescription } from "mongodb";

type Key = Record<string, 1 | -1>;

const single = (...fields: string[]): Key[] => fields.map((f) => ({ [f]: 1 }));

export const NIGHTSCOUT_INDEXES: Readonly<Record<string, readonly Key[]>> = {
  entries: [
    ...single("date", "type", "sgv", "mbg", "sysTime", "dateString", "identifier"),
    { type: 1, date: -1, dateString: 1 },
  ],
  treatments: [
    ...single(
      "created_at",
      "eventType",
      "insulin",
      "carbs",
      "glucose",
      "enteredBy",
      "boluscalc.foods._id",
      "notes",
      "NSCLIENT_ID",
      "percent",
      "absolute",
      "duration",
      "identifier",
    ),
    { eventType: 1, duration: 1, created_at: 1 },
  ],
  devicestatus: single("created_at", "NSCLIENT_ID"),
  profile: single("startDate"),
  food: single("type", "position", "hidden"),
  activity: single("created_at"),
  auth_roles: single("name"),
  auth_subjects: single("name"),
};

/** The name MongoDB gives an index of `key`: `type_1_date_-1`. */
export const indexName = (key: Key): string =>
  Object.entries(key)
    .map(([field, dir]) => `${field}_${dir}`)
    .join("_");

const sameKey = (a: Document, b: Document): boolean =>
  JSON.stringify(Object.entries(a).map(([k, v]) => [k, Number(v)])) ===
  JSON.stringify(Object.entries(b).map(([k, v]) => [k, Number(v)]));

/** Options of a source index that describe it (not the server's bookkeeping). */
const KEPT_OPTIONS = ["unique", "sparse", "expireAfterSeconds", "partialFilterExpression"];

export interface IndexOutcome {
  created: string[];
  /** Source indexes the target refused: name and reason. */
  refused: { name: string; reason: string }[];
  /** Nightscout's indexes still missing afterwards (must be empty). */
  missing: string[];
}

export async function ensureIndexes(
  source: Db,
  target: Db,
  collection: string,
): Promise<IndexOutcome> {
  const outcome: IndexOutcome = { created: [], refused: [], missing: [] };
  const existing = await target
    .collection(collection)
    .listIndexes()
    .toArray()
    .catch(() => [] as Document[]);
  const has = (key: Document): boolean => existing.some((i) => sameKey(i.key as Document, key));
  const wanted: IndexDescription[] = [];
  const sourceIndexes = await source
    .collection(collection)
    .listIndexes()
    .toArray()
    .catch(() => [] as Document[]);
  for (const index of sourceIndexes) {
    if (index.name === "_id_" || has(index.key as Document)) continue;
    const description: IndexDescription = { key: index.key as Key, name: index.name as string };
    for (const option of KEPT_OPTIONS) {
      if (index[option] !== undefined) (description as Document)[option] = index[option];
    }
    wanted.push(description);
  }
  for (const key of NIGHTSCOUT_INDEXES[collection] ?? []) {
    if (!has(key) && !wanted.some((w) => sameKey(w.key as Document, key))) {
      wanted.push({ key, name: indexName(key) });
    }
  }
  // One at a time: one index the target refuses must not take the others with it.
  for (const description of wanted) {
    try {
      await target.collection(collection).createIndexes([description]);
      outcome.created.push(description.name as string);
    } catch (err) {
      outcome.refused.push({ name: description.name as string, reason: (err as Error).message });
    }
  }
  const after = await target.collection(collection).listIndexes().toArray();
  for (const key of NIGHTSCOUT_INDEXES[collection] ?? []) {
    if (!after.some((i) => sameKey(i.key as Document, key))) outcome.missing.push(indexName(key));
  }
  return outcome;
}
