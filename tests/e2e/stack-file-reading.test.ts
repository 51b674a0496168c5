/**
 * The offline gate reads stack files through config/stack-file.ts; `pulumi up` gets its values
 * from the engine. This holds the two readings equal on a corpus of YAML forms, with the real
 * CLI (`pulumi config --json`, v3.274.1), and shows that a plain preview through the engine
 * refuses a form the engine would have rewritten.
 */
import * as fs from "node:fs";
import { readStackFile } from "../../config/stack-file";
import { scratchStack, type ScratchStack } from "../../tools/lib/offline-engine";

/** Plain scalars of every kind the resolver knows, plus quoted ones and nested values. */
const FORMS = [
  "0123",
  "-012",
  "+12",
  "1_000",
  "0o17",
  "0x1F",
  "0b101",
  "-0x1F",
  "1e3",
  ".5",
  "1.50",
  "-0",
  "00",
  "0",
  "007",
  "08",
  "09.5",
  "1.0",
  "100.0",
  "1e+3",
  "0.0001",
  "1e-7",
  "1e21",
  "12345678.9",
  "123456789012345678",
  "123456789012345678901234",
  "18446744073709551615",
  "-9223372036854775808",
  "9223372036854775808",
  "2026-12-01",
  "2026-12-01T03:00:00Z",
  "2026-12-01T03:00:00.5+01:00",
  "2026-12-01T3:4:5-05:00",
  "2026-12-01t03:00:00z",
  "2026-12-01T03:00:00",
  "2026-1-1",
  "2026-02-30",
  "2026-12-01 03:00:00",
  "yes",
  "no",
  "on",
  "off",
  "y",
  "True",
  "TRUE",
  "tRue",
  "False",
  "~",
  "Null",
  "NULL",
  "null",
  "1:20",
  "12e",
  '"0123"',
  "'07'",
  '""',
  "[careportal, 0123, null, 2026-12-01, '07', 1.50]",
  "{a: 0x1F, b: ~, c: [1, yes]}",
];

let s: ScratchStack;
let corpus: string;

beforeAll(() => {
  s = scratchStack("staging", { name: "stack-file-reading" });
  corpus =
    FORMS.map((form, i) => `  nightscout:form${i}: ${form}\n`).join("") +
    "  nightscout:formEmpty:\n";
});

test("the gate's reading equals the engine's for every form in the corpus", () => {
  const file = s.stackFile();
  const committed = fs.readFileSync(file, "utf8");
  fs.writeFileSync(file, committed.replace(/^config:\n/m, `config:\n${corpus}`));
  try {
    const r = s.pulumi(["config", "--json"]);
    expect(r.status).toBe(0);
    const engine = JSON.parse(r.stdout) as Record<string, { value?: string; secret: boolean }>;
    const gate = readStackFile(fs.readFileSync(file, "utf8"), "Pulumi.staging.yaml").config;
    const keys = Object.keys(engine).filter((k) => k.startsWith("nightscout:form"));
    expect(keys).toHaveLength(FORMS.length + 1);
    const differences = keys.filter((k) => engine[k].value !== gate[k]);
    expect(
      differences.map((k) => `${k}: engine ${engine[k].value}, gate ${String(gate[k])}`),
    ).toEqual([]);
  } finally {
    fs.writeFileSync(file, committed);
  }
});

test("a preview through the engine refuses a zero-padded number before anything registers", () => {
  const file = s.stackFile();
  const committed = fs.readFileSync(file, "utf8");
  fs.writeFileSync(
    file,
    committed.replace(/^config:\n/m, "config:\n  nightscout:postgresMaxConnections: 0100\n"),
  );
  try {
    const r = s.pulumi(["preview"]);
    expect(r.status).not.toBe(0);
    expect(r.output).toContain(
      'nightscout:postgresMaxConnections = "0100" in Pulumi.staging.yaml: is a zero-padded number, which Pulumi reads as octal where it can: 64',
    );
    expect(r.output).not.toMatch(/kubernetes:.*create/);
  } finally {
    fs.writeFileSync(file, committed);
  }
}, 180_000);
