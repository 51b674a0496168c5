/**
 * Deterministic randomness and identifiers for the data generator: the same seed gives the
 * same documents, byte for byte, on every machine (no Math.random, no clock).
 */
import { ObjectId } from "mongodb";

/** mulberry32: a tiny, well-distributed 32-bit PRNG; enough for test data, not for secrets. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** A number in [min, max) rounded to `decimals`. */
  real(min: number, max: number, decimals = 2): number {
    const f = 10 ** decimals;
    // `+ 0` turns -0 into 0: a sign on zero is not what a CGM reading means.
    return Math.round((min + this.next() * (max - min)) * f) / f + 0;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  hex(bytes: number): string {
    let out = "";
    for (let i = 0; i < bytes; i++) out += this.int(0, 255).toString(16).padStart(2, "0");
    return out;
  }
}

/**
 * An ObjectId whose timestamp is the document's time, as a driver creating it then would
 * have made, with a deterministic rest: ids sort by time like real ones.
 */
export function objectIdAt(ms: number, rng: Rng): ObjectId {
  const seconds = Math.floor(ms / 1000)
    .toString(16)
    .padStart(8, "0");
  return new ObjectId(seconds + rng.hex(8));
}

/** Nightscout's created_at format: ISO 8601 in UTC with milliseconds. */
export const iso = (ms: number): string => new Date(ms).toISOString();
