import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import {
  RULES_FILE_PARAMETERS,
  alertGroups,
  backupMaxAgeSeconds,
  longestScheduleGapSeconds,
} from "../../domain/alerts";
import { RULES_FILE, rulesFileText } from "../../tools/commands/sync-alerts";

const ROOT = path.resolve(__dirname, "..", "..");
const TESTS_DIR = path.join(ROOT, "monitoring", "tests");
const alertNames = alertGroups(RULES_FILE_PARAMETERS).flatMap((g) => g.rules.map((r) => r.alert));

test("monitoring/alerts.rules.yaml is what the program renders (npm run sync:alerts)", () => {
  expect(fs.readFileSync(RULES_FILE, "utf8")).toBe(rulesFileText());
});

test("the rules file holds every alert the issue asks for", () => {
  expect(alertNames.sort()).toEqual([
    "FerretDBUnavailable",
    "NightscoutGlucoseDataStale",
    "NightscoutUnavailable",
    "PostgresBackupTooOld",
    "PostgresInstanceNotReady",
    "PostgresReplicaLagging",
    "PostgresWalArchivingFailing",
  ]);
});

describe("promtool unit tests cover every alert", () => {
  interface Case {
    alertname: string;
    exp_alerts: unknown[];
  }
  const cases: Case[] = fs
    .readdirSync(TESTS_DIR)
    .filter((f) => f.endsWith(".test.yaml"))
    .flatMap((f) => {
      const doc = yaml.load(fs.readFileSync(path.join(TESTS_DIR, f), "utf8")) as {
        tests: { alert_rule_test: Case[] }[];
      };
      return doc.tests.flatMap((t) => t.alert_rule_test);
    });
  test.each(alertNames)("%s is tested firing and not firing", (alert) => {
    const mine = cases.filter((c) => c.alertname === alert);
    expect(mine.some((c) => c.exp_alerts.length > 0)).toBe(true);
    expect(mine.some((c) => c.exp_alerts.length === 0)).toBe(true);
  });
});

test("each alert has a runbook entry in the README", () => {
  const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
  for (const alert of alertNames) expect(readme).toMatch(new RegExp(`^#### ${alert}$`, "m"));
});

describe("backup age limit", () => {
  test("a daily schedule allows 24 h between backups, plus an hour's grace", () => {
    expect(longestScheduleGapSeconds("0 45 2 * * *")).toBe(24 * 3600);
    expect(backupMaxAgeSeconds("0 45 2 * * *")).toBe(25 * 3600);
  });
  test("a weekly schedule allows a week", () => {
    expect(longestScheduleGapSeconds("0 0 3 * * 1")).toBe(7 * 24 * 3600);
  });
  test("a schedule that skips the weekend allows its longest gap, not its shortest", () => {
    expect(longestScheduleGapSeconds("0 0 3 * * 1-5")).toBe(3 * 24 * 3600);
  });
});

test("without backups there are no backup alerts", () => {
  const names = alertGroups({ ...RULES_FILE_PARAMETERS, backupSchedule: undefined }).flatMap((g) =>
    g.rules.map((r) => r.alert),
  );
  expect(names).not.toContain("PostgresBackupTooOld");
  expect(names).not.toContain("PostgresWalArchivingFailing");
  expect(names).toContain("NightscoutGlucoseDataStale");
});

test("the stale-data threshold follows the setting", () => {
  const rule = alertGroups({ ...RULES_FILE_PARAMETERS, staleDataMinutes: 45 })
    .flatMap((g) => g.rules)
    .find((r) => r.alert === "NightscoutGlucoseDataStale")!;
  expect(rule.expr).toContain("/ 1000 > 2700)");
  expect(rule.annotations.summary).toContain("45 minutes");
});
