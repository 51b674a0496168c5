/**
 * The small collections: profiles (one in mmol/L, one in mg/dL, with the `store` map of
 * named profiles Nightscout keeps), food, activity, and the authorization roles and subjects
 * whose `_id`s Nightscout's access tokens are derived from.
 */
import { Int32, ObjectId, type Document } from "mongodb";
import { Rng, iso, objectIdAt } from "./random";

function schedule(rng: Rng, values: readonly number[]): Document[] {
  return values.map((value, i) => {
    const hour = i * Math.floor(24 / values.length);
    return {
      time: `${String(hour).padStart(2, "0")}:00`,
      value: value + rng.real(-0.05, 0.05, 2),
      timeAsSeconds: new Int32(hour * 3600),
    };
  });
}

export function* profiles(seed: number, startMs: number): Generator<Document> {
  const rng = new Rng(seed);
  const mmol = {
    dia: 5,
    carbratio: schedule(rng, [10, 12, 11]),
    sens: schedule(rng, [2.8, 3.2]),
    basal: schedule(rng, [0.45, 0.6, 0.5, 0.4]),
    target_low: schedule(rng, [5.5]),
    target_high: schedule(rng, [6.5]),
    timezone: "Europe/Berlin",
    units: "mmol",
    startDate: "1970-01-01T00:00:00.000Z",
  };
  const mgdl = {
    ...mmol,
    sens: schedule(rng, [50, 58]),
    target_low: schedule(rng, [100]),
    target_high: schedule(rng, [120]),
    timezone: "America/Chicago",
    units: "mg/dl",
  };
  const day = 86_400_000;
  const records: [string, Document][] = [
    ["Default", mmol],
    ["US", mgdl],
  ];
  for (let i = 0; i < 6; i++) {
    const ms = startMs + i * 60 * day;
    const [name, body] = records[i % 2];
    yield {
      _id: objectIdAt(ms, rng),
      defaultProfile: name,
      store: { [name]: body, Sport: { ...body, dia: 4 } },
      startDate: iso(ms),
      mills: new Int32(0),
      units: body.units,
      created_at: iso(ms),
    };
  }
}

export function* food(seed: number): Generator<Document> {
  const rng = new Rng(seed);
  const items = ["Apple", "Bread", "Pasta", "Rice", "Müsli", "Pizza slice", "Juice box"];
  for (const name of items) {
    yield {
      _id: new ObjectId(rng.hex(12)),
      type: "food",
      category: rng.pick(["Fruit", "Bakery", "Meal"]),
      subcategory: "",
      name,
      portion: new Int32(rng.int(50, 250)),
      carbs: new Int32(rng.int(5, 60)),
      unit: "g",
      gi: new Int32(rng.int(1, 3)),
      energy: new Int32(rng.int(50, 800)),
      protein: rng.real(0, 20, 1),
      fat: rng.real(0, 30, 1),
    };
  }
  yield {
    _id: new ObjectId(rng.hex(12)),
    type: "quickpick",
    name: "Breakfast",
    foods: [],
    hidden: false,
    hideafteruse: true,
    position: new Int32(1),
  };
}

export function* activity(seed: number, startMs: number, count: number): Generator<Document> {
  const rng = new Rng(seed);
  for (let i = 0; i < count; i++) {
    const ms = startMs + i * 86_400_000;
    yield {
      _id: objectIdAt(ms, rng),
      created_at: iso(ms),
      steps: new Int32(rng.int(1000, 20000)),
      heartrate: new Int32(rng.int(60, 160)),
    };
  }
}

/** Nightscout's authorization documents: a name, one list under `listKey`, a note and a date. */
function* authDocuments(
  seed: number,
  listKey: "permissions" | "roles",
  entries: [string, string[]][],
): Generator<Document> {
  const rng = new Rng(seed);
  for (const [name, list] of entries) {
    yield {
      _id: new ObjectId(rng.hex(12)),
      name,
      [listKey]: list,
      notes: "",
      created_at: iso(1_600_000_000_000),
    };
  }
}

export function authRoles(seed: number): Generator<Document> {
  return authDocuments(seed, "permissions", [
    ["careportal", ["api:treatments:create"]],
    ["devicestatus-upload", ["api:devicestatus:create"]],
    ["school", ["api:*:read", "notifications:*:ack"]],
  ]);
}

export function authSubjects(seed: number): Generator<Document> {
  return authDocuments(seed, "roles", [
    ["xdrip-phone", ["admin"]],
    ["school nurse", ["readable", "school"]],
    ["grandma", ["readable"]],
  ]);
}
