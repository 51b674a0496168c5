/**
 * The pieces --carry-deletes rests on, without servers: the options, the cap, the file the
 * removed documents go to, the record of copied `_id`s (kills included), a state written
 * before that record existed, and reading one field of raw BSON.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { BSON } from "mongodb";
import { fieldAlone } from "../../migrate/bson-scan";
import { CopiedIds, idTextOfRaw } from "../../migrate/copied-ids";
import { MIGRATE_EXIT_CODES, MigrateError } from "../../migrate/exit-codes";
import { idText } from "../../migrate/id-order";
import { DELETE_CAP_PERCENT, parseCommandLine, type MigrateOptions } from "../../migrate/options";
import { checkCap, overCap, saveRemoved, unconfirmedLimit } from "../../migrate/removed";
import { StateFile } from "../../migrate/state";
import { formatPlannedDeletes } from "../../migrate/dry-run";

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "migrate-deletes-"));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const BASE = ["--stack", "s", "--from", "env:SRC"];
const parse = (...extra: string[]) => parseCommandLine([...BASE, ...extra], "/w");

describe("the options", () => {
  it("leave deletes alone unless --carry-deletes is given", () => {
    expect(parse()).toMatchObject({ carryDeletes: false, confirmDeletes: 0 });
    expect(parse("--carry-deletes")).toMatchObject({ carryDeletes: true, confirmDeletes: 0 });
    expect(parse("--carry-deletes", "--confirm-deletes", "1")).toMatchObject({
      carryDeletes: true,
      confirmDeletes: 1,
    } satisfies Partial<MigrateOptions>);
  });

  it("refuse a confirmation without --carry-deletes, or of no whole number", () => {
    expect(parse("--confirm-deletes", "5")).toBe(
      "--confirm-deletes confirms the deletes that --carry-deletes makes: give both, or neither",
    );
    for (const bad of ["0", "-3", "2.5", "many", ""]) {
      expect(parse("--carry-deletes", `--confirm-deletes=${bad}`)).toMatch(
        /^--confirm-deletes must be a whole number of documents, 1 or more/,
      );
    }
    expect(parse("--carry-deletes", "--confirm-deletes")).toBe("--confirm-deletes needs a value");
  });
});

describe("the cap", () => {
  it(`removes up to ${DELETE_CAP_PERCENT} % of a collection unconfirmed, not one more`, () => {
    expect(unconfirmedLimit(1000)).toBe(100);
    expect(unconfirmedLimit(1009)).toBe(100);
    expect(unconfirmedLimit(9)).toBe(0);
    expect(overCap("entries", 100, 1000, 0)).toBeUndefined();
    expect(overCap("entries", 101, 1000, 0)).toBe(
      "entries: 101 of the 1000 documents on the target (10 %) were copied and are gone from the source, " +
        "more than the 10 % a run removes unconfirmed. Nothing was removed. A wrong --from or an emptied " +
        "source looks like this: check the source, then rerun with --carry-deletes --confirm-deletes 101",
    );
  });

  it("lets a confirmed number through, and names a confirmation that is too small", () => {
    expect(overCap("profile", 1, 1, 1)).toBeUndefined();
    expect(overCap("profile", 1, 1, 0)).toContain("1 of the 1 documents on the target (100 %)");
    expect(overCap("treatments", 500, 1000, 500)).toBeUndefined();
    expect(overCap("treatments", 500, 1000, 499)).toContain(
      "more than the 10 % a run removes unconfirmed and more than --confirm-deletes 499. Nothing was removed.",
    );
  });

  it("ends the run with its own exit code", () => {
    const refusal = (() => {
      try {
        checkCap("food", 5, 10, { stateDir: dir, confirmed: 0 });
      } catch (err) {
        return err;
      }
      return undefined;
    })();
    expect(refusal).toBeInstanceOf(MigrateError);
    expect((refusal as MigrateError).exitCode).toBe(MIGRATE_EXIT_CODES.deletesOverCap);
    expect(() => checkCap("food", 1, 10, { stateDir: dir, confirmed: 0 })).not.toThrow();
  });
});

it("saves what it removes with every type, readable by its owner only, one file per removal", () => {
  const docs = [
    { _id: new BSON.ObjectId("5f1afb118b6aca48aa123400"), sgv: new BSON.Int32(101) },
    { _id: "x", when: new Date(-86_400_000), v: BSON.Long.fromNumber(7) },
  ];
  const raws = docs.map((d) => Buffer.from(BSON.serialize(d)));
  const policy = { stateDir: dir, confirmed: 0 };
  const file = saveRemoved(policy, "entries", raws);
  expect(path.dirname(file)).toBe(path.join(dir, "removed"));
  expect(path.basename(file)).toMatch(/^entries-\d{4}-\d\d-\d\dT[\d-]+Z\.ejson$/);
  expect((fs.statSync(file).mode & 0o777).toString(8)).toBe("600");
  const back = fs
    .readFileSync(file, "utf8")
    .trim()
    .split("\n")
    .map((line) => BSON.serialize(BSON.EJSON.parse(line, { relaxed: false })));
  expect(back.map((b) => Buffer.from(b))).toEqual(raws);
});

describe("the record of copied _ids", () => {
  const ids = ['{"$oid":"5f1afb118b6aca48aa123400"}', '"a"', '{"$numberInt":"3"}'];

  it("is read back by a later run, per collection", () => {
    new CopiedIds(dir).record("entries", ids);
    const later = new CopiedIds(dir);
    for (const id of ids) expect(later.has("entries", id)).toBe(true);
    expect(later.has("treatments", ids[0])).toBe(false);
    expect(later.has("entries", '"b"')).toBe(false);
  });

  it("ignores a line a kill cut short, and the next append does not join it", () => {
    const file = path.join(dir, "copied", "entries.ids");
    new CopiedIds(dir).record("entries", ids.slice(0, 1));
    fs.appendFileSync(file, '{"$oid":"5f1afb11'); // killed mid-append
    const resumed = new CopiedIds(dir);
    expect(resumed.has("entries", '{"$oid":"5f1afb11')).toBe(false);
    resumed.record("entries", ids.slice(1));
    const later = new CopiedIds(dir);
    for (const id of ids) expect(later.has("entries", id)).toBe(true);
    expect(fs.readFileSync(file, "utf8")).toBe(`${ids.join("\n")}\n`);
  });

  it("names an _id from raw BSON as idText does, wherever the field is", () => {
    const first = { _id: new BSON.Int32(3), a: 1 };
    const later = { a: { nested: { _id: "not this one" } }, list: [1, 2], _id: "the one" };
    const none = { a: 1 };
    expect(idTextOfRaw(Buffer.from(BSON.serialize(first)))).toBe(idText(new BSON.Int32(3)));
    expect(idTextOfRaw(Buffer.from(BSON.serialize(later)))).toBe('"the one"');
    expect(fieldAlone(Buffer.from(BSON.serialize(none)), "_id")).toBeUndefined();
    expect(
      BSON.deserialize(fieldAlone(Buffer.from(BSON.serialize(later)), "list") as Buffer),
    ).toEqual({
      list: [1, 2],
    });
  });
});

it("refuses a state written before the record of copied _ids, saying how to go on", () => {
  fs.writeFileSync(
    path.join(dir, "state.json"),
    JSON.stringify({ version: 1, pair: "a -> b", collections: {} }),
  );
  expect(() => StateFile.open(dir, "a -> b")).toThrow(
    /written before the migration recorded the _ids it copies.*move it away and run again/,
  );
});

describe("the dry run's list of deletes", () => {
  const ids = (n: number) => Array.from({ length: n }, (_, i) => `"id-${i}"`);

  it("comes first, per collection with counts, at most 20 _ids each, and says what the cap refuses", () => {
    const lines = formatPlannedDeletes(
      [
        { collection: "entries", ids: ids(25), onTarget: 1000, kept: 0 },
        { collection: "profile", ids: ids(1), onTarget: 2, kept: 1 },
        { collection: "food", ids: [], onTarget: 10, kept: 0 },
      ],
      0,
    );
    expect(lines[0]).toBe(
      "--carry-deletes would remove 26 documents: copied earlier, deleted on the source since",
    );
    expect(lines[1]).toBe(`  entries: 25 of 1000 on the target: ${ids(20).join(", ")} and 5 more`);
    expect(lines[2]).toBe('  profile: 1 of 2 on the target: "id-0"');
    expect(lines[3]).toMatch(
      /^ {4}refused as it stands: profile: 1 of the 2 documents .*--confirm-deletes 1$/,
    );
    expect(lines[4]).toBe("  profile: 1 only on the target and never copied: kept");
    expect(lines).toHaveLength(5);
  });

  it("drops the refusal once the number is confirmed", () => {
    const lines = formatPlannedDeletes(
      [{ collection: "profile", ids: ids(1), onTarget: 2, kept: 0 }],
      1,
    );
    expect(lines.some((l) => l.includes("refused"))).toBe(false);
  });
});
