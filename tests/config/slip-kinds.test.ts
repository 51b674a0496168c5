/**
 * Issue 20's kinds of slips, each from its own generator, fed to the whole program as a stack
 * file: the staging file with one slip written into it, read the way the engine reads it
 * (config/stack-file.ts), and index.ts evaluated under mocks in a project directory holding that
 * file. Every slip must stop the program with one ConfigError that names the key, before
 * anything registers.
 *
 * A program that throws while loading is not cached, so after the first run each evaluation
 * reloads only index.ts; FC_SLIP_RUNS searches deeper (200 passed when written).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import { SETTINGS } from "../../config/settings";
import { readStackFile } from "../../config/stack-file";
import nightscoutStack from "../../index";
import { capture, configurationOf } from "../../tools/lib/capture";

const RUNS = Number(process.env.FC_SLIP_RUNS ?? 24);
const SEED = process.env.FC_SEED ? Number(process.env.FC_SEED) : undefined;
const ROOT = path.resolve(__dirname, "../..");
const STACK_FILES = {
  staging: fs.readFileSync(path.join(ROOT, "Pulumi.staging.yaml"), "utf8"),
  production: fs.readFileSync(path.join(ROOT, "Pulumi.production.yaml"), "utf8"),
};

/** One slip: the setting it lands on, its stack-file lines, and the kind it is of. */
interface Slip {
  kind: string;
  /** The key the refusal must name: a setting, or a whole `namespace:key`. */
  key: string;
  lines: string[];
  /** The committed stack file the slip is written into (staging unless said). */
  stack?: keyof typeof STACK_FILES;
}

const BACKUPS = [
  "nightscout:backupDestinationPath: s3://backups/nightscout",
  "nightscout:backupEndpointUrl: https://s3.example.org",
];
const line = (key: string, yamlValue: string) => `nightscout:${key}: ${yamlValue}`;
const quoted = (value: string) => JSON.stringify(value);
const keysWhere = (test: (key: string) => boolean) =>
  SETTINGS.map((s) => s.key).filter(test) as string[];

const wrongUnit = fc.oneof(
  fc
    .tuple(
      fc.constantFrom(...keysWhere((k) => k.endsWith("CpuRequest"))),
      fc.integer({ min: 1, max: 4096 }),
      fc.constantFrom("Mi", "Gi", "Ki", "M", "G"),
    )
    .map(([key, n, unit]) => ({
      kind: "wrong unit",
      key,
      lines: [line(key, quoted(`${n}${unit}`))],
    })),
  fc
    .tuple(
      fc.constantFrom(...keysWhere((k) => /Memory(Request|Limit)$/.test(k))),
      fc.integer({ min: 1, max: 4096 }),
    )
    .map(([key, n]) => ({ kind: "wrong unit", key, lines: [line(key, quoted(`${n}m`))] })),
);

const wrongGrammar = fc.oneof(
  fc
    .tuple(
      fc.constantFrom("postgresImage", "ferretdbImage", "nightscoutImage"),
      fc.constantFrom(
        "https://ghcr.io/ferretdb/ferretdb:2.1.0",
        "ghcr.io/FerretDB/ferretdb:2.1.0",
        "nightscout/cgm-remote-monitor:15.0.7!",
        "nightscout/cgm-remote-monitor:-15",
      ),
    )
    .map(([key, image]) => ({ kind: "wrong grammar", key, lines: [line(key, quoted(image))] })),
  fc
    .constantFrom("0 0 3 * * 7", "* * * * * *", "0 0 0 29 2 *", "0 60 2 * * *", "0 0 3 * *")
    .map((cron) => ({
      kind: "wrong grammar",
      key: "backupSchedule",
      lines: [...BACKUPS, line("backupSchedule", quoted(cron))],
    })),
  fc
    .constantFrom("gs://backups/ns", "http://s3.example.org/ns", "s3:/backups", " s3://b/ns")
    .map((url) => ({
      kind: "wrong grammar",
      key: "backupDestinationPath",
      lines: [line("backupDestinationPath", quoted(url)), BACKUPS[1]],
    })),
);

const contradictingNamespaces = fc
  .constantFrom("cnpgOperatorNamespace", "ingressControllerNamespace")
  .map((other) => ({
    kind: "contradicting namespaces",
    key: "namespace",
    lines: [line(other, "nightscout-staging")],
  }));

const yamlNull = fc
  .tuple(
    fc.constantFrom(...keysWhere((k) => !SETTINGS.find((s) => s.key === k)!.secret)),
    fc.constantFrom("null", "~", "", "Null", "NULL"),
  )
  .map(([key, form]) => ({ kind: "YAML null", key, lines: [line(key, form)] }));

const padding = fc
  .tuple(
    fc.constantFrom(...keysWhere((k) => SETTINGS.find((s) => s.key === k)!.type === "integer")),
    fc.integer({ min: 1, max: 500 }),
    fc.integer({ min: 1, max: 2 }),
  )
  .map(([key, n, zeros]) => ({
    kind: "padding",
    key,
    lines: [line(key, `${"0".repeat(zeros)}${n}`)],
  }));

/** The kinds that are valid alone but wrong for the stack they are in, and plausible slips. */
const IN_CONTEXT: Slip[] = [
  {
    kind: "in context",
    key: "postgresClusterName",
    stack: "production",
    lines: [
      line("restoreFromServerName", "nightscout-db"),
      line("restoreSourcePath", "s3://nightscout-backups/production/"),
    ],
  },
  {
    kind: "in context",
    key: "restoreTargetTime",
    stack: "production",
    lines: [
      line("restoreFromServerName", "nightscout-old"),
      line("restoreTargetTime", quoted("2024-06-01T00:00:00Z")),
    ],
  },
  {
    kind: "in context",
    key: "authDefaultRoles",
    stack: "production",
    lines: [line("authDefaultRoles", "[careportal]")],
  },
  {
    kind: "in context",
    key: "bgHigh",
    stack: "production",
    lines: [line("bgHigh", quoted("13.95"))],
  },
  { kind: "in context", key: "dbSizeMaxMiB", lines: [line("dbSizeMaxMiB", quoted("5120"))] },
  { kind: "in context", key: "hostname", lines: [line("hostname", quoted("ns.example.org "))] },
  { kind: "in context", key: "nightscuot:alarmTypes", lines: ["nightscuot:alarmTypes: simple"] },
];
const inContext: fc.Arbitrary<Slip> = fc.constantFrom(...IN_CONTEXT);

/** One slip of each generated kind, run first so every run of the suite covers them all. */
const FIRST_OF_EACH: Slip[] = [
  { kind: "wrong unit", key: "postgresCpuRequest", lines: [line("postgresCpuRequest", '"256Mi"')] },
  {
    kind: "wrong grammar",
    key: "ferretdbImage",
    lines: [line("ferretdbImage", '"ghcr.io/FerretDB/ferretdb:2.1.0"')],
  },
  {
    kind: "contradicting namespaces",
    key: "namespace",
    lines: [line("ingressControllerNamespace", "nightscout-staging")],
  },
  { kind: "YAML null", key: "postgresStorageClass", lines: [line("postgresStorageClass", "null")] },
  {
    kind: "padding",
    key: "postgresMaxConnections",
    lines: [line("postgresMaxConnections", "0100")],
  },
];

const slip: fc.Arbitrary<Slip> = fc.oneof(
  wrongUnit,
  wrongGrammar,
  contradictingNamespaces,
  yamlNull,
  padding,
  inContext,
);

/** The slip's stack file with the slip's keys replaced (or added). */
function stackFileWith(s: Slip): string {
  const keys = s.lines.map((l) => l.slice(0, l.indexOf(": ") + 1) || l);
  const kept = STACK_FILES[s.stack ?? "staging"]
    .split("\n")
    .filter((l) => !keys.some((k) => l.trim().startsWith(k)));
  return `${kept.join("\n").trimEnd()}\n${s.lines.map((l) => `  ${l}`).join("\n")}\n`;
}

const original = process.cwd();
let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "slip-kinds-"));
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: nightscout\nruntime: nodejs\n");
});
afterAll(() => {
  process.chdir(original);
  fs.rmSync(dir, { recursive: true, force: true });
});

test("each kind of slip, written into a stack file, stops the whole program naming its key", async () => {
  const seen = new Set<string>();
  await fc.assert(
    fc.asyncProperty(slip, async (s) => {
      const text = stackFileWith(s);
      const stack = s.stack ?? "staging";
      fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), text);
      process.chdir(dir);
      let refusal: Error | undefined;
      let registered = 0;
      try {
        const result = await capture({
          stack,
          configuration: configurationOf(readStackFile(text, `Pulumi.${stack}.yaml`).config),
          loadProgram: () => nightscoutStack(),
        });
        registered = result.resources.length;
      } catch (error) {
        refusal = error as Error;
      } finally {
        process.chdir(original);
      }
      if (!refusal) throw new Error(`${s.kind}: accepted, ${registered} resources registered`);
      expect(refusal.name).toBe("ConfigError");
      expect(refusal.message).toContain(s.key.includes(":") ? s.key : `nightscout:${s.key}`);
      seen.add(s.kind);
    }),
    {
      numRuns: RUNS,
      seed: SEED,
      examples: [...FIRST_OF_EACH, ...IN_CONTEXT].map((s): [Slip] => [s]),
    },
  );
  expect([...seen].sort()).toEqual([
    "YAML null",
    "contradicting namespaces",
    "in context",
    "padding",
    "wrong grammar",
    "wrong unit",
  ]);
}, 120_000);

test("the values just inside each kind's boundary, together in one stack file, deploy", async () => {
  const inside: Slip = {
    kind: "inside",
    key: "",
    lines: [
      line("postgresCpuRequest", '"1m"'),
      line("nightscoutMemoryRequest", '"128Mi"'),
      line("nightscoutImage", '"docker.io/nightscout/cgm-remote-monitor:15.0.7"'),
      line("ingressControllerNamespace", "nightscout-ingress"),
      line("postgresStorageClass", '""'),
      line("postgresMaxConnections", "100"),
    ],
  };
  const text = stackFileWith(inside);
  fs.writeFileSync(path.join(dir, "Pulumi.staging.yaml"), text);
  process.chdir(dir);
  try {
    const result = await capture({
      stack: "staging",
      configuration: configurationOf(readStackFile(text, "Pulumi.staging.yaml").config),
      loadProgram: () => nightscoutStack(),
    });
    expect(result.resources.length).toBeGreaterThan(15);
  } finally {
    process.chdir(original);
  }
}, 60_000);
