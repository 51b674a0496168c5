/**
 * The test-data generator: the same options give the same documents; the data has the
 * variety real Nightscout databases have (mixed `_id` and date types, the three closed-loop
 * devicestatus shapes, both glucose units, the usual treatment event types).
 */
import { BSON, type Document } from "mongodb";
import { READINGS_PER_DAY, dataset, hostileDocuments } from "../../migrate/generate";
import { bucketOf, canonical } from "../../migrate/id-order";

const DAYS = 4;
const all = (make: () => Iterable<Document>): Document[] => [...make()];

it("is deterministic: the same seed gives byte-identical documents, another seed others", () => {
  const a = dataset({ days: 1, seed: 7 });
  const b = dataset({ days: 1, seed: 7 });
  const c = dataset({ days: 1, seed: 8 });
  for (const name of Object.keys(a)) {
    expect(all(a[name]).map(canonical)).toEqual(all(b[name]).map(canonical));
  }
  expect(all(a.entries).map(canonical)).not.toEqual(all(c.entries).map(canonical));
});

it("gives 288 readings a day, with finger sticks and calibrations among them", () => {
  const entries = all(dataset({ days: DAYS }).entries);
  const types = new Map<string, number>();
  for (const e of entries) types.set(e.type, (types.get(e.type) ?? 0) + 1);
  expect(types.get("sgv")).toBe(DAYS * READINGS_PER_DAY);
  expect(types.get("mbg")).toBeGreaterThan(0);
  expect(new Set(entries.map((e) => bucketOf(e._id)))).toEqual(new Set(["objectId", "string"]));
  const dateKinds = new Set(
    all(dataset({ days: 20 }).entries).map((e) =>
      e.date instanceof Date ? "Date" : e.date instanceof BSON.Long ? "Long" : typeof e.date,
    ),
  );
  expect(dateKinds).toEqual(new Set(["number", "Long", "Date"]));
  const ids = entries.map((e) => canonical({ _id: e._id }));
  expect(new Set(ids).size).toBe(ids.length);
});

it("makes devicestatus in the Loop, AAPS and OpenAPS shapes, kilobytes each", () => {
  const shapes = new Set<string>();
  for (const seed of [1, 2, 3]) {
    for (const doc of all(dataset({ days: 1, seed }).devicestatus)) {
      shapes.add(doc.loop ? "loop" : doc.mmtune ? "openaps" : doc.pump?.extended ? "aaps" : "?");
      expect(BSON.calculateObjectSize(doc)).toBeGreaterThan(1000);
    }
  }
  expect(shapes).toEqual(new Set(["loop", "aaps", "openaps"]));
});

it("records the usual treatments, with string ids and Date created_at among them", () => {
  const treatments = all(dataset({ days: 20 }).treatments);
  const events = new Set(treatments.map((t) => t.eventType));
  for (const event of [
    "Temp Basal",
    "Meal Bolus",
    "Correction Bolus",
    "Carb Correction",
    "Site Change",
    "Note",
  ]) {
    expect(events).toContain(event);
  }
  expect(treatments.some((t) => typeof t._id === "string")).toBe(true);
  expect(treatments.some((t) => t.created_at instanceof Date)).toBe(true);
  expect(treatments.some((t) => typeof t.created_at === "string")).toBe(true);
});

it("keeps profiles in both units and the authorization collections", () => {
  const data = dataset({ days: 1 });
  const units = new Set(all(data.profile).map((p) => p.units));
  expect(units).toEqual(new Set(["mmol", "mg/dl"]));
  expect(all(data.auth_subjects).map((s) => s.name)).toContain("school nurse");
  expect(all(data.auth_roles).length).toBeGreaterThan(0);
});

it("lists hostile documents with what makes each one refused", () => {
  const hostile = hostileDocuments();
  expect(hostile.map((h) => h.document._id)).toEqual([
    "hostile-dollar-key",
    "hostile-dotted-key",
    "hostile-nan",
    "hostile-nul",
  ]);
  expect(hostile.filter((h) => h.injectable).length).toBe(2);
});
