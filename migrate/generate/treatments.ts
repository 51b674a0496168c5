/**
 * Treatments of the event types Nightscout's care portal and the loop apps record, with
 * `created_at` as the ISO string Nightscout stores (a few as Dates, from uploaders that sent
 * one), ObjectId and string ids (AAPS sends its own), and a bolus calculator record nested.
 */
import { Int32, type Document } from "mongodb";
import { Rng, iso, objectIdAt } from "./random";
import type { SeriesOptions } from "./entries";

const HOUR = 3_600_000;

type Maker = (rng: Rng, ms: number) => Document;

const bolus: Maker = (rng) => ({ eventType: "Correction Bolus", insulin: rng.real(0.1, 4, 2) });
const meal: Maker = (rng, ms) => {
  const carbs = rng.int(5, 90);
  return {
    eventType: "Meal Bolus",
    insulin: rng.real(0.5, 9, 2),
    carbs: new Int32(carbs),
    glucose: new Int32(rng.int(70, 220)),
    glucoseType: "Sensor",
    units: "mg/dl",
    boluscalc: {
      profile: "Default",
      eventTime: iso(ms),
      targetBGLow: 90,
      targetBGHigh: 120,
      isf: 50,
      ic: 10,
      iob: rng.real(0, 3, 2),
      bolusiob: rng.real(0, 2, 2),
      basaliob: rng.real(-0.5, 1, 2),
      carbs,
      foods: rng.chance(0.3)
        ? [{ _id: rng.hex(12), name: "Pasta", carbs: 60, portions: 1, gi: new Int32(2) }]
        : [],
    },
  };
};
const carbs: Maker = (rng) => ({ eventType: "Carb Correction", carbs: new Int32(rng.int(5, 30)) });
const tempBasal: Maker = (rng) => {
  const absolute = rng.real(0, 3, 2);
  return {
    eventType: "Temp Basal",
    duration: new Int32(30),
    absolute,
    rate: absolute,
    percent: new Int32(rng.int(-100, 100)),
  };
};
const tempTarget: Maker = (rng) => ({
  eventType: "Temporary Target",
  duration: new Int32(rng.pick([30, 60, 120])),
  reason: rng.pick(["Eating Soon", "Activity", "Hypo"]),
  targetTop: 140,
  targetBottom: 140,
  units: "mg/dl",
});
const note: Maker = (rng) => ({
  eventType: "Note",
  notes: rng.pick(["Sports day", "Sick, ketones 0.4", "Pizza 🍕", "Änderung: neue Kanüle"]),
});
const siteChange: Maker = () => ({ eventType: "Site Change" });
const sensorStart: Maker = () => ({ eventType: "Sensor Start" });
const bgCheck: Maker = (rng) => ({
  eventType: "BG Check",
  glucose: new Int32(rng.int(60, 250)),
  glucoseType: "Finger",
  units: "mg/dl",
});
const profileSwitch: Maker = (rng) => ({
  eventType: "Profile Switch",
  profile: rng.pick(["Default", "Sport", "Sick"]),
  duration: new Int32(0),
  percentage: new Int32(rng.pick([80, 100, 120])),
});
const exercise: Maker = (rng) => ({ eventType: "Exercise", duration: new Int32(rng.int(20, 90)) });

/** Relative frequencies over a day of a looping child's life. */
const MIX: [Maker, number][] = [
  [tempBasal, 40],
  [bolus, 12],
  [meal, 10],
  [carbs, 6],
  [bgCheck, 3],
  [tempTarget, 2],
  [note, 1],
  [profileSwitch, 1],
  [exercise, 1],
  [siteChange, 0.4],
  [sensorStart, 0.12],
];
const TOTAL = MIX.reduce((s, [, w]) => s + w, 0);

function pickMaker(rng: Rng): Maker {
  let r = rng.next() * TOTAL;
  for (const [maker, weight] of MIX) {
    r -= weight;
    if (r < 0) return maker;
  }
  return MIX[0][0];
}

/** `count` treatments, about one every `spacingMs` from `startMs`. */
export function* treatments(opts: SeriesOptions & { spacingMs?: number }): Generator<Document> {
  const rng = new Rng(opts.seed);
  const spacing = opts.spacingMs ?? HOUR / 3;
  for (let i = 0; i < opts.count; i++) {
    const ms = opts.startMs + i * spacing + rng.int(0, spacing / 2);
    const body = pickMaker(rng)(rng, ms);
    const enteredBy = rng.pick(["loop://iPhone", "openaps://AndroidAPS", "careportal", "xdrip"]);
    const stringId = enteredBy === "openaps://AndroidAPS" && rng.chance(0.5);
    const doc: Document = {
      _id: stringId ? `aaps-${rng.hex(10)}` : objectIdAt(ms, rng),
      ...body,
      created_at: rng.chance(0.003) ? new Date(ms) : iso(ms),
      enteredBy,
      utcOffset: new Int32(rng.pick([0, 60, 120])),
    };
    if (enteredBy.startsWith("openaps")) doc.NSCLIENT_ID = rng.int(1, 2 ** 31);
    yield doc;
  }
}
