import { backupsConfigured as policy } from "../../policies/rules/backups-configured";
import { documentdbCluster, ferretdbDeployment, objectStore, scheduledBackup } from "./fixtures";
import { REMOVE, UNKNOWN_STRING, runStackPolicy, set, type TestResource } from "./helpers";

const all = () => [documentdbCluster(), objectStore(), scheduledBackup()];

describe("backups-configured", () => {
  it("passes a Cluster with ObjectStore, WAL archiving plugin and plugin ScheduledBackup", async () => {
    expect((await runStackPolicy(policy, all())).violations).toEqual([]);
  });

  it("is not applicable without Clusters or ScheduledBackups", async () => {
    expect((await runStackPolicy(policy, [ferretdbDeployment()])).notApplicable).toBe(
      "The stack has no CNPG Cluster or ScheduledBackup",
    );
  });

  it("reports a Cluster without ScheduledBackup, ObjectStore or plugin", async () => {
    expect((await runStackPolicy(policy, [documentdbCluster(), objectStore()])).violations).toEqual(
      ['Cluster "postgres" has no ScheduledBackup.'],
    );
    expect(
      (await runStackPolicy(policy, [documentdbCluster(), scheduledBackup()])).violations,
    ).toEqual([
      'Cluster "postgres": parameters.barmanObjectName "backups" is not an ObjectStore in namespace nightscout.',
    ]);
    const noPlugin = set(documentdbCluster(), "spec.plugins", REMOVE);
    expect(
      (await runStackPolicy(policy, [noPlugin, objectStore(), scheduledBackup()])).violations,
    ).toEqual([
      'Cluster "postgres" spec.plugins[barman-cloud.cloudnative-pg.io] = (unset): production needs backups: without them a lost volume is a lost history. Fix: add a spec.plugins entry barman-cloud.cloudnative-pg.io with isWALArchiver: true naming an ObjectStore.',
    ]);
  });

  it("reports a plugin that does not archive WAL", async () => {
    const r = set(documentdbCluster(), "spec.plugins.0.isWALArchiver", REMOVE);
    expect(
      (await runStackPolicy(policy, [r, objectStore(), scheduledBackup()])).violations,
    ).toEqual([
      'Cluster "postgres": the barman-cloud.cloudnative-pg.io plugin entry must set isWALArchiver: true.',
    ]);
  });

  it("reports the deprecated in-tree barmanObjectStore", async () => {
    const r = set(documentdbCluster(), "spec.backup.barmanObjectStore", {
      destinationPath: "s3://x",
    });
    expect(
      (await runStackPolicy(policy, [r, objectStore(), scheduledBackup()])).violations,
    ).toEqual([
      'Cluster "postgres" uses the deprecated spec.backup.barmanObjectStore; use the Barman Cloud plugin (ObjectStore + spec.plugins).',
    ]);
  });

  it("reports a ScheduledBackup without method plugin, even when backups are optional", async () => {
    const r = set(scheduledBackup(), "spec.method", REMOVE);
    const message =
      'ScheduledBackup "nightly" must set method: plugin and pluginConfiguration.name: barman-cloud.cloudnative-pg.io; otherwise the webhook defaults it to barmanObjectStore and every run fails.';
    expect(
      (await runStackPolicy(policy, [documentdbCluster(), objectStore(), r])).violations,
    ).toEqual([message]);
    expect(
      (await runStackPolicy(policy, [documentdbCluster(), r], { requireBackups: false }))
        .violations,
    ).toEqual([message]);
  });

  it("reports a ScheduledBackup for a missing cluster", async () => {
    const r = set(scheduledBackup(), "spec.cluster.name", "pg");
    expect(
      (
        await runStackPolicy(policy, [documentdbCluster(), objectStore(), r], {
          requireBackups: false,
        })
      ).violations,
    ).toEqual([
      'ScheduledBackup "nightly" names cluster "pg", which is not a Cluster in its namespace.',
    ]);
  });

  it("reports a five-field schedule and a standby target", async () => {
    const five = set(scheduledBackup(), "spec.schedule", "45 2 * * *");
    expect(
      (await runStackPolicy(policy, [documentdbCluster(), objectStore(), five])).violations,
    ).toEqual([
      'ScheduledBackup "nightly" schedule "45 2 * * *" has 5 fields; ScheduledBackup needs six, seconds first (e.g. "0 45 2 * * *").',
    ]);
    // Six fields are not enough: each must be in range, as the program's own check has it.
    const minute60 = set(scheduledBackup(), "spec.schedule", "0 60 2 * * *");
    expect(
      (await runStackPolicy(policy, [documentdbCluster(), objectStore(), minute60])).violations,
    ).toEqual([
      expect.stringMatching(
        /^ScheduledBackup "nightly" schedule "0 60 2 \* \* \*" is not a valid cron schedule: 60 in the minute field "60" is above 59/,
      ),
    ]);
    const standby = set(scheduledBackup(), "spec.target", "prefer-standby");
    expect(
      (await runStackPolicy(policy, [documentdbCluster(), objectStore(), standby])).violations,
    ).toEqual([
      'ScheduledBackup "nightly" targets prefer-standby; DocumentDB backups from a standby stall. Use primary.',
    ]);
  });

  it("lets staging go without backups", async () => {
    expect(
      (await runStackPolicy(policy, [documentdbCluster()], { requireBackups: false })).violations,
    ).toEqual([]);
  });

  it("does not report a missing store whose name is unknown during preview", async () => {
    const r = set(objectStore(), "metadata.name", UNKNOWN_STRING);
    const outcome = await runStackPolicy(policy, [documentdbCluster(), r, scheduledBackup()]);
    expect(outcome.violations).toEqual([]);
    expect(outcome.unknown).toContain("metadata.name");
  });

  describe("boundaries", () => {
    const renamed = (r: TestResource, name: string): TestResource => ({ ...r, name });

    it("applies to a lone ScheduledBackup, which then names no Cluster", async () => {
      expect((await runStackPolicy(policy, [scheduledBackup()])).violations).toEqual([
        'ScheduledBackup "nightly" names cluster "postgres", which is not a Cluster in its namespace.',
      ]);
    });

    it("names objects by metadata.name, falling back to the Pulumi name", async () => {
      const cluster = renamed(documentdbCluster(), "postgres-resource");
      const backup = renamed(scheduledBackup(), "nightly-resource");
      expect((await runStackPolicy(policy, [cluster, objectStore(), backup])).violations).toEqual(
        [],
      );
      const unnamedBackup = set(set(backup, "metadata.name", REMOVE), "spec.cluster.name", "gone");
      const unnamedCluster = set(cluster, "metadata.name", REMOVE);
      expect(
        (await runStackPolicy(policy, [unnamedCluster, objectStore(), unnamedBackup])).violations,
      ).toEqual([
        'ScheduledBackup "nightly-resource" names cluster "gone", which is not a Cluster in its namespace.',
        'Cluster "postgres-resource" has no ScheduledBackup.',
      ]);
    });

    it("a ScheduledBackup without a cluster name, or a schedule, says so", async () => {
      const bare = set(set(scheduledBackup(), "spec.cluster", REMOVE), "spec.schedule", REMOVE);
      expect(
        (await runStackPolicy(policy, [documentdbCluster(), objectStore(), bare])).violations,
      ).toEqual([
        'ScheduledBackup "nightly" names cluster "", which is not a Cluster in its namespace.',
        'ScheduledBackup "nightly" schedule "" is unset (e.g. "0 45 2 * * *").',
        'Cluster "postgres" has no ScheduledBackup.',
      ]);
    });

    it("a missing name matches nothing: a nameless ScheduledBackup never covers a nameless Cluster", async () => {
      const namelessCluster = set(documentdbCluster(), "metadata.name", REMOVE);
      const namelessBackup = set(scheduledBackup(), "spec.cluster", REMOVE);
      const { violations } = await runStackPolicy(policy, [
        namelessCluster,
        objectStore(),
        namelessBackup,
      ]);
      expect(violations).toContain(
        'ScheduledBackup "nightly" names cluster "", which is not a Cluster in its namespace.',
      );
      expect(violations.some((v) => v.endsWith("has no ScheduledBackup."))).toBe(true);
    });

    it("the plugin configuration must name the Barman Cloud plugin, not only the method", async () => {
      const other = set(scheduledBackup(), "spec.pluginConfiguration.name", "other.example.org");
      expect(
        (await runStackPolicy(policy, [documentdbCluster(), objectStore(), other])).violations,
      ).toEqual([
        'ScheduledBackup "nightly" must set method: plugin and pluginConfiguration.name: barman-cloud.cloudnative-pg.io; otherwise the webhook defaults it to barmanObjectStore and every run fails.',
      ]);
    });

    it("a plugin entry naming no ObjectStore says so", async () => {
      const unnamed = set(documentdbCluster(), "spec.plugins.0.parameters", REMOVE);
      expect(
        (await runStackPolicy(policy, [unnamed, objectStore(), scheduledBackup()])).violations,
      ).toEqual([
        'Cluster "postgres": parameters.barmanObjectName "" is not an ObjectStore in namespace nightscout.',
      ]);
    });

    it("finds the Barman plugin among others", async () => {
      const first = set(documentdbCluster(), "spec.plugins", [
        { name: "other.example.org" },
        ...(documentdbCluster().props as { spec: { plugins: unknown[] } }).spec.plugins,
      ]);
      expect(
        (await runStackPolicy(policy, [first, objectStore(), scheduledBackup()])).violations,
      ).toEqual([]);
    });

    it("a ScheduledBackup counts for its own namespace and cluster only", async () => {
      for (const backup of [
        set(scheduledBackup(), "metadata.namespace", "other"),
        set(scheduledBackup(), "spec.cluster.name", "other"),
      ]) {
        expect(
          (await runStackPolicy(policy, [documentdbCluster(), objectStore(), backup])).violations,
        ).toContain('Cluster "postgres" has no ScheduledBackup.');
      }
    });
  });
});
