/**
 * devicestatus documents in the three shapes closed-loop systems upload every five minutes,
 * the bulk of a real Nightscout database: Loop (iOS), AAPS (Android, `openaps` shape with
 * `pump.extended` and `configuration`) and an OpenAPS rig (`openaps` with `mmtune`).
 * Prediction arrays make them several kilobytes each, as in real data.
 */
import { Int32, type Document } from "mongodb";
import { Rng, iso, objectIdAt } from "./random";
import type { SeriesOptions } from "./entries";

const FIVE_MINUTES = 5 * 60 * 1000;

function curve(rng: Rng, start: number, length: number): number[] {
  const out: number[] = [];
  let v = start;
  for (let i = 0; i < length; i++) {
    v = Math.max(39, Math.min(401, v + rng.int(-4, 4)));
    out.push(v);
  }
  return out;
}

function loop(rng: Rng, ms: number): Document {
  const bg = rng.int(60, 250);
  return {
    _id: objectIdAt(ms, rng),
    device: "loop://iPhone",
    created_at: iso(ms),
    pump: {
      clock: iso(ms - 30_000),
      pumpID: "A1B2C3",
      manufacturer: "Insulet",
      model: "Dash",
      reservoir: rng.real(5, 200, 2),
      battery: { percent: new Int32(rng.int(5, 100)) },
      bolusing: false,
      suspended: false,
    },
    uploader: { name: "iPhone", battery: new Int32(rng.int(5, 100)), timestamp: iso(ms) },
    loop: {
      name: "Loop",
      version: "3.4.1",
      timestamp: iso(ms),
      iob: { iob: rng.real(-1, 8, 3), basalIOB: rng.real(-1, 2, 3), timestamp: iso(ms) },
      cob: { cob: rng.real(0, 80, 1), timestamp: iso(ms) },
      predicted: { startDate: iso(ms), values: curve(rng, bg, 72) },
      recommendedBolus: rng.real(0, 2, 2),
      enacted: {
        rate: rng.real(0, 3, 3),
        duration: new Int32(30),
        timestamp: iso(ms),
        received: true,
        bolusVolume: 0,
      },
      failureReason: rng.chance(0.02) ? "pumpCommunication" : undefined,
    },
    override: { active: rng.chance(0.1), timestamp: iso(ms) },
  };
}

function openapsSuggestion(rng: Rng, ms: number, bg: number): Document {
  return {
    temp: "absolute",
    bg,
    tick: `+${rng.int(0, 9)}`,
    eventualBG: bg + rng.int(-40, 40),
    targetBG: 100,
    insulinReq: rng.real(0, 2, 2),
    deliverAt: iso(ms),
    sensitivityRatio: rng.real(0.7, 1.3, 2),
    predBGs: {
      IOB: curve(rng, bg, 48),
      ZT: curve(rng, bg, 48),
      COB: curve(rng, bg, 36),
      UAM: curve(rng, bg, 48),
    },
    COB: rng.real(0, 60, 1),
    IOB: rng.real(-1, 6, 3),
    reason: `COB: 0, Dev: ${rng.int(-20, 20)}, BGI: -1.5, ISF: 2.8, CR: 10, Target: 5.5`,
    duration: new Int32(30),
    rate: rng.real(0, 3, 2),
    timestamp: iso(ms),
  };
}

function aaps(rng: Rng, ms: number): Document {
  const bg = rng.int(60, 250);
  const suggested = openapsSuggestion(rng, ms, bg);
  return {
    _id: objectIdAt(ms, rng),
    device: "openaps://samsung SM-G970F",
    pump: {
      battery: { percent: new Int32(rng.int(5, 100)) },
      status: { status: "normal", timestamp: iso(ms) },
      extended: {
        Version: "3.2.0.4",
        LastBolus: iso(ms - rng.int(0, 7_200_000)),
        LastBolusAmount: rng.real(0, 6, 2),
        BaseBasalRate: rng.real(0.3, 1.5, 2),
        ActiveProfile: "Default",
      },
      reservoir: rng.real(5, 300, 1),
      clock: iso(ms),
    },
    openaps: {
      suggested,
      enacted: { ...suggested, received: true },
      iob: { iob: rng.real(-1, 6, 3), basaliob: rng.real(-1, 2, 3), activity: 0.01, time: iso(ms) },
    },
    uploaderBattery: new Int32(rng.int(5, 100)),
    isCharging: rng.chance(0.3),
    configuration: { insulin: 5, sensitivity: 2, smoothing: "EXPONENTIAL" },
    created_at: iso(ms),
  };
}

function openapsRig(rng: Rng, ms: number): Document {
  const bg = rng.int(60, 250);
  return {
    _id: objectIdAt(ms, rng),
    device: "openaps://edison-rig",
    openaps: {
      iob: [{ iob: rng.real(-1, 6, 3), activity: 0.02, time: iso(ms) }],
      suggested: openapsSuggestion(rng, ms, bg),
    },
    mmtune: {
      scanDetails: [
        ["916.564", new Int32(5), new Int32(-78)],
        ["916.588", new Int32(5), new Int32(-75)],
      ],
      setFreq: 916.588,
      usedDefault: false,
      timestamp: iso(ms),
    },
    uploader: { batteryVoltage: new Int32(rng.int(3300, 4200)), battery: new Int32(88) },
    created_at: iso(ms),
  };
}

/**
 * `count` devicestatus documents five minutes apart, mostly from one system (as a family
 * runs one), with stretches of the others (a switch, a backup rig).
 */
export function* devicestatus(opts: SeriesOptions): Generator<Document> {
  const rng = new Rng(opts.seed);
  const shapes = [loop, aaps, openapsRig];
  let shape = shapes[opts.seed % shapes.length];
  for (let i = 0; i < opts.count; i++) {
    if (rng.chance(0.001)) shape = rng.pick(shapes);
    const ms = opts.startMs + i * FIVE_MINUTES + rng.int(0, 20_000);
    const doc = shape(rng, ms);
    // undefined fields are dropped by the driver; dropping them here keeps the generator's
    // output equal to what is stored.
    if (doc.loop && doc.loop.failureReason === undefined) delete doc.loop.failureReason;
    yield doc;
  }
}
