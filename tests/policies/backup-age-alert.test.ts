import { backupAgeAlert as policy } from "../../policies/rules/backup-age-alert";
import { documentdbCluster, objectStore, scheduledBackup } from "./fixtures";
import { runStackPolicy, set, type TestResource } from "./helpers";
import { backupAgeAlertRule } from "./monitoring-fixtures";

const alertRule = (expr: string): TestResource =>
  set(backupAgeAlertRule(), "spec.groups.0.rules.0.expr", expr);
const backups = () => [documentdbCluster(), objectStore(), scheduledBackup()];
const AGE = "time() - max(barman_cloud_cloudnative_pg_io_last_available_backup_timestamp) > 90000";
const MISSING =
  'ScheduledBackup "nightly" runs, but no PrometheusRule alerts when the newest backup grows old (barman_cloud_cloudnative_pg_io_last_available_backup_timestamp); turn monitoring on (pulumi config set monitoring true).';

describe("backup-age-alert", () => {
  it("passes backups with an alert on the newest backup's age", async () => {
    expect((await runStackPolicy(policy, [...backups(), alertRule(AGE)])).violations).toEqual([]);
  });

  it("is not applicable without scheduled backups", async () => {
    expect((await runStackPolicy(policy, [documentdbCluster()])).notApplicable).toBe(
      "The stack takes no scheduled backups",
    );
  });

  it("reports backups without the backup-age alert", async () => {
    expect((await runStackPolicy(policy, backups())).violations).toEqual([MISSING]);
  });

  it("reports a PrometheusRule whose alerts do not look at the backups", async () => {
    const other = alertRule("cnpg_pg_replication_lag > 300");
    expect((await runStackPolicy(policy, [...backups(), other])).violations).toEqual([MISSING]);
  });

  it("does not count a recording rule as an alert", async () => {
    const recording = set(alertRule(AGE), "spec.groups.0.rules.0", { record: "x", expr: AGE });
    expect((await runStackPolicy(policy, [...backups(), recording])).violations).toEqual([MISSING]);
  });

  it("reads alerts from PrometheusRules only: a VMRule carrying the same alert is not counted", async () => {
    const vmRule = {
      ...alertRule(AGE),
      type: "kubernetes:operator.victoriametrics.com/v1beta1:VMRule",
    };
    expect((await runStackPolicy(policy, [...backups(), vmRule])).violations).toEqual([MISSING]);
  });

  it("passes over an alert without an expression and finds the backup-age alert beside it", async () => {
    const rule = set(alertRule(AGE), "spec.groups.0.rules", [
      { alert: "Broken" },
      { alert: "PostgresBackupTooOld", expr: AGE },
    ]);
    expect((await runStackPolicy(policy, [...backups(), rule])).violations).toEqual([]);
  });

  it("names the ScheduledBackup by metadata.name, not by its Pulumi name", async () => {
    const renamed = { ...scheduledBackup(), name: "nightly-resource" };
    expect(
      (await runStackPolicy(policy, [documentdbCluster(), objectStore(), renamed])).violations,
    ).toEqual([MISSING]);
  });

  it("can be turned off", async () => {
    expect(
      (await runStackPolicy(policy, backups(), { requireBackupAgeAlert: false })).notApplicable,
    ).toBe("requireBackupAgeAlert is off");
  });
});
