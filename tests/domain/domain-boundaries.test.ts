/**
 * Boundaries of domain/ that only slower tests (whole programs, components) reached, pinned at
 * the domain's own functions: each case names the edge a mutation testing run found unguarded.
 */
import {
  anonymousRolesReadOnly,
  bytesSlip,
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

describe("image references", () => {
  it("a scheme counts only at the start: later, it is a bad repository component", () => {
    expect(imageReferenceProblem("nightscout/cgm-remote-monitor:15://x")).toBe(
      'has an invalid repository component "cgm-remote-monitor:15:" (lowercase letters, digits and single . _ __ or - between them)',
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
  });
});
