/**
 * CGM entries as xDrip+, Dexcom Share bridges and AAPS upload them: one `sgv` every five
 * minutes, a finger-stick `mbg` now and then, a `cal` after it. `date` is a number of
 * milliseconds as Nightscout stores it, with a few older documents where an uploader sent a
 * 64-bit integer or a Date; most `_id`s are ObjectIds, some strings (uploaders that choose
 * their own ids).
 */
import { Int32, Long, type Document } from "mongodb";
import { Rng, iso, objectIdAt } from "./random";

const FIVE_MINUTES = 5 * 60 * 1000;
const DIRECTIONS = [
  "DoubleDown",
  "SingleDown",
  "FortyFiveDown",
  "Flat",
  "FortyFiveUp",
  "SingleUp",
  "DoubleUp",
] as const;
const DEVICES = ["xDrip-DexcomG6", "AndroidAPS-DexcomG6", "share2", "xDrip-LibreReceiver"];

export interface SeriesOptions {
  seed: number;
  /** Time of the first document, ms since the epoch. */
  startMs: number;
  count: number;
}

function directionOf(delta: number): string {
  const index = Math.max(-3, Math.min(3, Math.round(delta / 7))) + 3;
  return DIRECTIONS[index];
}

/** `count` sgv entries five minutes apart, with mbg and cal entries interleaved. */
export function* entries(opts: SeriesOptions): Generator<Document> {
  const rng = new Rng(opts.seed);
  let sgv = 120;
  let drift = 0;
  const device = rng.pick(DEVICES);
  for (let i = 0; i < opts.count; i++) {
    const ms = opts.startMs + i * FIVE_MINUTES + rng.int(-4000, 4000);
    drift = Math.max(-12, Math.min(12, drift + rng.real(-3, 3, 1)));
    const next = Math.max(40, Math.min(400, Math.round(sgv + drift)));
    const delta = next - sgv;
    sgv = next;
    if (next <= 45 || next >= 395) drift = -drift;
    const id = rng.chance(0.02) ? rng.hex(12) : objectIdAt(ms, rng);
    const date: number | Long | Date = rng.chance(0.002)
      ? Long.fromNumber(ms)
      : rng.chance(0.001)
        ? new Date(ms)
        : ms;
    const doc: Document = {
      _id: id,
      device,
      date,
      dateString: iso(ms),
      sgv: new Int32(sgv),
      delta: rng.real(delta - 0.5, delta + 0.5, 3),
      direction: directionOf(delta),
      type: "sgv",
      filtered: rng.int(100000, 300000),
      unfiltered: rng.int(100000, 300000),
      rssi: new Int32(100),
      noise: new Int32(1),
      sysTime: iso(ms),
      utcOffset: new Int32(rng.pick([0, 60, 120, -300])),
    };
    if (rng.chance(0.3)) doc.trend = new Int32(rng.int(1, 7));
    yield doc;
    if (rng.chance(0.004)) {
      const mbgMs = ms + rng.int(10_000, 200_000);
      yield {
        _id: objectIdAt(mbgMs, rng),
        device,
        date: mbgMs,
        dateString: iso(mbgMs),
        mbg: new Int32(sgv + rng.int(-15, 15)),
        type: "mbg",
        sysTime: iso(mbgMs),
      };
      if (rng.chance(0.5)) {
        yield {
          _id: objectIdAt(mbgMs + 1000, rng),
          device,
          date: mbgMs + 1000,
          dateString: iso(mbgMs + 1000),
          type: "cal",
          slope: rng.real(800, 1200, 4),
          intercept: rng.real(20000, 40000, 2),
          scale: 1,
        };
      }
    }
  }
}
