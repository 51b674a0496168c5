/**
 * A deterministic, realistic Nightscout database: what the migration's tests and benchmark
 * copy. `dataset()` describes each collection as a generator factory, so a year of data is
 * produced in batches while it is written, never held in memory at once.
 */
import type { Db, Document } from "mongodb";
import { devicestatus } from "./devicestatus";
import { entries } from "./entries";
import { activity, authRoles, authSubjects, food, profiles } from "./others";
import { treatments } from "./treatments";

export { hostileDocuments, type HostileDocument } from "./hostile";

/** 2025-01-01T00:00:00Z: a fixed start, so the same options give the same documents. */
export const DEFAULT_START_MS = Date.UTC(2025, 0, 1);
export const READINGS_PER_DAY = 288;

export interface DatasetOptions {
  seed?: number;
  /** Days of 5-minute CGM entries (365: about 105,000). */
  days?: number;
  /** devicestatus documents; by default one per reading, as a looping phone uploads. */
  devicestatus?: number;
  /** Treatments; by default 72 a day (temp basals, boluses, carbs, notes...). */
  treatments?: number;
  startMs?: number;
}

export type Dataset = Record<string, () => Iterable<Document>>;

export function dataset(opts: DatasetOptions = {}): Dataset {
  const seed = opts.seed ?? 1;
  const days = opts.days ?? 365;
  const startMs = opts.startMs ?? DEFAULT_START_MS;
  return {
    entries: () => entries({ seed, startMs, count: days * READINGS_PER_DAY }),
    treatments: () => treatments({ seed: seed + 1, startMs, count: opts.treatments ?? days * 72 }),
    devicestatus: () =>
      devicestatus({
        seed: seed + 2,
        startMs,
        count: opts.devicestatus ?? days * READINGS_PER_DAY,
      }),
    profile: () => profiles(seed + 3, startMs),
    food: () => food(seed + 4),
    activity: () => activity(seed + 5, startMs, Math.max(1, Math.floor(days / 7))),
    auth_roles: () => authRoles(seed + 6),
    auth_subjects: () => authSubjects(seed + 7),
  };
}

/** Batches of `size` from any iterable: the unit the seeder and the floor insert. */
export function* batches<T>(items: Iterable<T>, size: number): Generator<T[]> {
  let batch: T[] = [];
  for (const item of items) {
    batch.push(item);
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/** Writes `data` into `db` in unordered batches; returns the count per collection. */
export async function seed(
  db: Db,
  data: Dataset,
  batchSize = 1000,
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const [name, make] of Object.entries(data)) {
    counts[name] = 0;
    for (const batch of batches(make(), batchSize)) {
      await db.collection(name).insertMany(batch, { ordered: false });
      counts[name] += batch.length;
    }
  }
  return counts;
}
