/**
 * Boundaries of domain/ that only slower tests (whole programs, components) reached, pinned at
 * the domain's own functions: each case names the edge a mutation testing run found unguarded.
 * Values a module fixes when it loads (a rule's declaration, a pattern kept in a constant) are
 * checked on the module loaded afresh inside the test (`fresh`), so StrykerJS's `ignoreStatic`
 * run counts them as reached here (docs/mutation-testing.md).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import {
  anonymousRolesReadOnly,
  bytesSlip,
  cpuProblem,
  imageReferenceProblem,
  memoryProblem,
  parseDocumentDbImageTag,
  parseFerretDbImageVersion,
  restoreFromOtherBackups,
  type Vocabulary,
} from "../../domain";
import { staleDataAlarms } from "../../domain/stale-data";

const words = <F extends string>(): Vocabulary<F> => ({
  name: (f) => f,
  set: (f, v) => `set ${f} ${v}`,
});

/* eslint-disable @typescript-eslint/no-require-imports */
const DOMAIN = path.resolve(__dirname, "../../domain");
/** Every module of domain/ and domain/rules/, loaded once, to be handed to a fresh load. */
const SHARED = [DOMAIN, path.join(DOMAIN, "rules")].flatMap((dir) =>
  fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".ts"))
    .map((f) => [path.join(dir, f), require(path.join(dir, f)) as unknown] as const),
);

/** `file` (relative to domain/) loaded afresh, with the rest of domain/ as already loaded. */
function fresh<T>(file: string): T {
  const target = path.join(DOMAIN, file);
  let loaded!: T;
  jest.isolateModules(() => {
    for (const [f, module] of SHARED) if (f !== target) jest.doMock(f, () => module);
    loaded = require(target) as T;
  });
  return loaded;
}
/* eslint-enable @typescript-eslint/no-require-imports */

describe("staleDataAlarms", () => {
  it.each([
    // [staleDataMinutes, warning]: half, never under 10 minutes, never after the urgent alarm.
    [10, 10],
    [12, 10],
    [20, 10],
    [21, 11],
    [45, 23],
    [1440, 720],
  ])("%i minutes: urgent then, the warning at %i", (minutes, warning) => {
    expect(staleDataAlarms(minutes)).toEqual({
      ALARM_TIMEAGO_WARN: "true",
      ALARM_TIMEAGO_WARN_MINS: String(warning),
      ALARM_TIMEAGO_URGENT: "true",
      ALARM_TIMEAGO_URGENT_MINS: String(minutes),
    });
  });
});

describe("anonymous-roles-read-only", () => {
  const check = (roles: string[]) =>
    anonymousRolesReadOnly.check({ roles }, words(), { allowAnonymousWrites: false });

  it("keeps the roles that only read in the fix", () => {
    expect(check(["readable", "careportal"])).toEqual([
      expect.objectContaining({
        why: "lets anyone who finds the URL enter insulin and carbs (careportal)",
        fix: `set roles '["readable"]' (or give caregivers who must write their own token instead)`,
      }),
    ]);
  });

  it("falls back to status-only when every role writes", () => {
    expect(check(["admin", "devicestatus-upload"])[0]).toMatchObject({
      why: "lets anyone who finds the URL administer the site and use devicestatus-upload (admin, devicestatus-upload)",
      fix: `set roles '["status-only"]' (or give caregivers who must write their own token instead)`,
    });
  });
});

describe("restore-from-other-backups: the target time", () => {
  const NOW = Date.parse("2026-12-07T03:00:00Z");
  const check = (targetTime: string) =>
    restoreFromOtherBackups.check(
      { sourcePath: "s3://b/old", clusterName: "db", serverName: "old", targetTime, now: NOW },
      words(),
      {},
    );

  it("accepts now itself, refuses a millisecond later", () => {
    expect(check("2026-12-07T03:00:00.000Z")).toEqual([]);
    expect(check("2026-12-07T03:00:00.001Z")).toEqual([
      expect.objectContaining({ field: "targetTime", fix: "choose a time before now" }),
    ]);
  });

  it("refuses a time before PostgreSQL 17 with both ways out", () => {
    expect(check("2024-01-01T00:00:00Z")).toEqual([
      expect.objectContaining({
        fix: "choose a time after the cluster's first base backup (or unset targetTime for the end of the WAL)",
      }),
    ]);
  });
});

describe("restore-from-other-backups: the cluster name", () => {
  it("a reader that cannot set the name is still given one to choose", () => {
    const readOnly: Vocabulary<"clusterName" | "serverName"> = {
      name: (f) => f,
      set: () => undefined,
    };
    expect(
      restoreFromOtherBackups.check(
        {
          sourcePath: "s3://b/db/",
          destinationPath: "s3://b/db",
          serverName: "db",
          clusterName: "db",
          now: Date.parse("2026-12-07T03:00:00Z"),
        },
        readOnly,
        {},
      ),
    ).toEqual([
      {
        field: "clusterName",
        value: "db",
        why: "equals serverName in the same object store, so the restored cluster would archive WAL over the backups it restores from",
        fix: "give the new cluster another name, e.g. db-2",
      },
    ]);
  });
});

describe("image references", () => {
  it("a scheme counts only at the start: later, it is a bad repository component", () => {
    expect(imageReferenceProblem("nightscout/cgm-remote-monitor:15://x")).toBe(
      'has an invalid repository component "cgm-remote-monitor:15:" (lowercase letters, digits and single . _ __ or - between them)',
    );
    // A scheme starts with a letter: `v15://` would be one, were it at the start.
    expect(imageReferenceProblem("nightscout/cgm-remote-monitor:v15://x")).toBe(
      'has an invalid repository component "cgm-remote-monitor:v15:" (lowercase letters, digits and single . _ __ or - between them)',
    );
  });

  it("localhost is a registry host, not the repository's first component", () => {
    expect(imageReferenceProblem("localhost/Nightscout:15.0.7")).toBe(
      'has uppercase letters in its repository "Nightscout"; repositories are lowercase (localhost/nightscout)',
    );
    expect(imageReferenceProblem("localhost:5000/nightscout:15.0.7")).toBeUndefined();
  });

  it("an empty first component is a bad repository component, not a registry host", () => {
    expect(imageReferenceProblem("/nightscout:15.0.7")).toBe(
      'has an invalid repository component "" (lowercase letters, digits and single . _ __ or - between them)',
    );
  });

  it("one component with capitals is a repository, not a registry", () => {
    expect(imageReferenceProblem("Nightscout:15.0.7")).toBe(
      'has uppercase letters in its repository "Nightscout"; repositories are lowercase (nightscout)',
    );
  });

  it("a registry with a port is a host", () => {
    expect(
      imageReferenceProblem("registry.example.org:5000/nightscout/cgm-remote-monitor:15.0.7"),
    ).toBeUndefined();
  });

  it("reads versions with several digits, and an image without a tag as none", () => {
    expect(parseFerretDbImageVersion("ghcr.io/ferretdb/ferretdb:10.12.3")).toBe("10.12.3");
    expect(parseDocumentDbImageTag("ghcr.io/ferretdb/postgres-documentdb")).toBeUndefined();
    expect(parseFerretDbImageVersion("ghcr.io/ferretdb/ferretdb")).toBeUndefined();
  });
});

describe("memory quantities", () => {
  it("an exponent's sign is not a leading sign", () => {
    expect(memoryProblem("1e+9")).toBeUndefined();
    expect(memoryProblem("+512Mi")?.why).toBe("is not a memory quantity such as 256Mi or 1Gi");
  });

  it("suggests binary units only for a whole slip", () => {
    expect(bytesSlip(" 1.5 GB ")).toBe("1.5Gi");
    expect(bytesSlip("x1GB")).toBeUndefined();
    expect(bytesSlip("1GBx")).toBeUndefined();
    expect(bytesSlip("1.GB")).toBeUndefined();
    expect(bytesSlip("12kB")).toBe("12Ki");
    expect(bytesSlip("1.25GB")).toBe("1.25Gi");
  });

  it("reads milli-bytes only from a number that starts with a digit", () => {
    expect(memoryProblem("1.5m")).toEqual({
      why: "is in milli-bytes (1.5m is 0.0015 bytes); memory is in Mi or Gi",
      suggestion: "1.5Mi",
    });
    expect(memoryProblem("1.25m")).toEqual({
      why: "is in milli-bytes (1.25m is 0.00125 bytes); memory is in Mi or Gi",
      suggestion: "1.25Mi",
    });
    // `.5m` is no Mi left out of a number: its digits alone would suggest ten times as much.
    expect(memoryProblem(".5m")).toEqual({
      why: "is 0.0005 bytes, under 1Mi: no container starts in that",
      suggestion: undefined,
    });
  });

  it("suggests Mi for a bare number of bytes only when it is whole digits", () => {
    expect(memoryProblem("512")).toEqual({
      why: "is 512 bytes, under 1Mi: no container starts in that",
      suggestion: "512Mi",
    });
    expect(memoryProblem("1e3")).toEqual({
      why: "is 1000 bytes, under 1Mi: no container starts in that",
      suggestion: undefined,
    });
    expect(memoryProblem("0.5")).toEqual({
      why: "is 0.5 bytes, under 1Mi: no container starts in that",
      suggestion: undefined,
    });
  });
});

describe("cpu quantities", () => {
  const notCpu = { why: "is not a CPU quantity: cores (0.5, 2) or millicores (500m)" };

  it("takes a memory unit for millicores only after a whole number", () => {
    expect(cpuProblem("512Mi")).toEqual({
      why: "has a memory unit; a CPU request is in cores (0.5) or millicores (500m)",
      suggestion: "512m",
    });
    expect(cpuProblem("1.5Gi")).toEqual(notCpu);
  });

  it("an exponent is not a decimal unit", () => {
    expect(cpuProblem("2E3")).toEqual(notCpu);
  });
});

describe("thresholds: what counts as a plain number (loaded afresh)", () => {
  type Thresholds = typeof import("../../domain/rules/thresholds");
  const check = (low: string, targetBottom = "4.25") =>
    fresh<Thresholds>("rules/thresholds.ts").thresholds.check(
      { units: "mmol/L", given: { low, targetBottom, targetTop: "10", high: "14" } },
      words(),
      {},
    );

  it("digits, with or without decimals, as many as given", () => {
    expect(check("3.9")).toEqual([]);
    expect(check("3", "10.25").map((f) => f.field)).toEqual(["targetBottom"]);
    expect(check("3", "4")).toEqual([]);
  });

  it.each(["+3", "-3", ".5", "3.", "3e0", "0x3"])("%s is not one", (low) => {
    expect(check(low)).toEqual([
      {
        field: "low",
        value: low,
        why: "must be a plain number in mmol/L",
        fix: "set low <2..27>",
      },
    ]);
  });
});

describe("production's required settings (loaded afresh)", () => {
  type Production = typeof import("../../domain/rules/production");
  const production = () => fresh<Production>("rules/production.ts");

  it("an unprotected database: protect it, or call the stack staging", () => {
    expect(
      production().databaseProtected.check({ protect: false }, words(), { requireProtect: true }),
    ).toEqual([
      {
        field: "protect",
        value: "false",
        why: "production's database must be protected from deletion and replacement",
        fix: "set protect true (or set environment staging)",
      },
    ]);
  });

  it("no backups: where to, and with which credentials, or call the stack staging", () => {
    expect(
      production().backupsRequired.check({ backups: false }, words(), { requireBackups: true }),
    ).toEqual([
      {
        field: "backups",
        value: undefined,
        why: "production needs backups: without them a lost volume is a lost history",
        fix: "set backups s3://<bucket>/<path> with backupAccessKeyId and backupSecretAccessKey (or set environment staging)",
      },
    ]);
  });
});
