/**
 * docs/mutation-record.json, the part of StrykerJS's reports a new checkout keeps: read back,
 * it gives the same counts and the same live mutants as the reports it came from, and a later
 * run over one file replaces that file alone.
 */
import {
  merge,
  recordOf,
  reportOfRecord,
  type Mutant,
  type Report,
} from "../../../tools/commands/mutation-survivors";

const at = (line: number) => ({ start: { line, column: 1 }, end: { line, column: 9 } });
const mutant = (status: string, line: number, mutatorName = "ConditionalExpression"): Mutant => ({
  mutatorName,
  replacement: "true",
  status,
  location: at(line),
});
const counts = (mutants: { mutant: Mutant; file: string }[], file: string) =>
  mutants
    .filter((m) => m.file === file)
    .reduce<Record<string, number>>((c, { mutant: m }) => {
      c[m.status] = (c[m.status] ?? 0) + 1;
      return c;
    }, {});

const FULL: Report = {
  files: {
    "domain/a.ts": {
      mutants: [mutant("Killed", 1), mutant("Timeout", 2), mutant("Survived", 3, "Regex")],
    },
    "domain/b.ts": { mutants: [mutant("NoCoverage", 4), mutant("Killed", 5)] },
  },
};

test("a record keeps each file's counts and every live mutant, and reads back as it was", () => {
  const merged = merge([FULL]);
  const record = recordOf(merged);
  expect(record.files["domain/a.ts"]).toEqual({
    counts: { Killed: 1, Timeout: 1, Survived: 1 },
    alive: [mutant("Survived", 3, "Regex")],
  });
  const back = merge([reportOfRecord(JSON.parse(JSON.stringify(record)))]);
  for (const file of ["domain/a.ts", "domain/b.ts"]) {
    expect(counts(back, file)).toEqual(counts(merged, file));
  }
  const alive = (ms: typeof merged) =>
    ms.filter((m) => ["Survived", "NoCoverage"].includes(m.mutant.status));
  expect(alive(back)).toEqual(alive(merged));
});

test("a later run over one file replaces that file and leaves the recorded others", () => {
  const record = reportOfRecord(recordOf(merge([FULL])));
  const rerun: Report = { files: { "domain/b.ts": { mutants: [mutant("Killed", 4)] } } };
  const merged = merge([record, rerun]);
  expect(counts(merged, "domain/b.ts")).toEqual({ Killed: 1 });
  expect(counts(merged, "domain/a.ts")).toEqual({ Killed: 1, Timeout: 1, Survived: 1 });
});
