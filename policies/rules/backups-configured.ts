import type { PolicyResource } from "@pulumi/policy";
import { BARMAN_PLUGIN, backupsRequired, backupScheduleProblem } from "../../domain";
import { enforceOnObject, limitSettings } from "../lib/catalogue";
import { stackPolicy } from "../lib/define";
import { TYPES, asArr, asObj, asStr, at, nameOf, namespaceOf } from "../lib/k8s";
import { runChecks } from "../lib/unknowns";

const settings = limitSettings(backupsRequired, {
  requireBackups:
    "Every CNPG Cluster archives WAL to a Barman Cloud ObjectStore and has a plugin ScheduledBackup (the pack's config files hold each environment's, from the rule catalogue).",
});

/** A namespaced name; a missing or empty name is no key, so it matches nothing. */
const key = (namespace: string, name: string | undefined): string | undefined =>
  name ? `${namespace}/${name}` : undefined;

const addKey = (keys: Set<string>, k: string | undefined): void => {
  if (k !== undefined) keys.add(k);
};

export const backupsConfigured = stackPolicy(
  { name: "backups-configured", enforcementLevel: "mandatory", settings },
  "CNPG Clusters back up through the Barman Cloud plugin: an ObjectStore, spec.plugins naming it, and a ScheduledBackup with method plugin.",
  (args, reportViolation, limits) => {
    const of = (type: string) => args.resources.filter((r) => r.type === type);
    const clusters = of(TYPES.cluster);
    const stores = of(TYPES.objectStore);
    const scheduled = of(TYPES.scheduledBackup);
    if (clusters.length === 0 && scheduled.length === 0) {
      args.notApplicable("The stack has no CNPG Cluster or ScheduledBackup");
    }
    const storeKeys = new Set<string>();
    const clusterKeys = new Set<string>();
    runChecks([
      ...stores.map((s) => () => addKey(storeKeys, key(namespaceOf(s.props), nameOf(s.props)))),
      ...clusters.map((c) => () => addKey(clusterKeys, key(namespaceOf(c.props), nameOf(c.props)))),
    ]);

    // A ScheduledBackup is checked even where backups are optional: a broken one fails every run.
    const checkScheduled = (backup: PolicyResource) => () => {
      const spec = asObj(at(backup.props, "spec")) ?? {};
      const cluster = asStr(at(spec, "cluster", "name"));
      const what = `ScheduledBackup "${nameOf(backup.props) ?? backup.name}"`;
      const clusterKey = key(namespaceOf(backup.props), cluster);
      if (clusterKey === undefined || !clusterKeys.has(clusterKey)) {
        reportViolation(
          `${what} names cluster "${cluster ?? ""}", which is not a Cluster in its namespace.`,
          backup.urn,
        );
      }
      if (
        spec["method"] !== "plugin" ||
        at(spec, "pluginConfiguration", "name") !== BARMAN_PLUGIN
      ) {
        reportViolation(
          `${what} must set method: plugin and pluginConfiguration.name: ${BARMAN_PLUGIN}; otherwise the webhook defaults it to barmanObjectStore and every run fails.`,
          backup.urn,
        );
      }
      const schedule = asStr(spec["schedule"]);
      const cronProblem = schedule === undefined ? "is unset" : backupScheduleProblem(schedule);
      if (cronProblem) {
        reportViolation(
          `${what} schedule "${schedule ?? ""}" ${cronProblem} (e.g. "0 45 2 * * *").`,
          backup.urn,
        );
      }
      if (spec["target"] === "prefer-standby") {
        reportViolation(
          `${what} targets prefer-standby; DocumentDB backups from a standby stall. Use primary.`,
          backup.urn,
        );
      }
    };

    const checkCluster = (cluster: PolicyResource) => () => {
      const namespace = namespaceOf(cluster.props);
      const name = nameOf(cluster.props);
      const what = `Cluster "${name ?? cluster.name}"`;
      const spec = asObj(at(cluster.props, "spec")) ?? {};
      if (at(spec, "backup", "barmanObjectStore") !== undefined) {
        reportViolation(
          `${what} uses the deprecated spec.backup.barmanObjectStore; use the Barman Cloud plugin (ObjectStore + spec.plugins).`,
          cluster.urn,
        );
      }
      const plugin = asArr(spec["plugins"])
        .map((p) => asObj(p) ?? {})
        .find((p) => p["name"] === BARMAN_PLUGIN);
      const storeName = asStr(at(plugin, "parameters", "barmanObjectName"));
      enforceOnObject(
        backupsRequired,
        {
          backups: {
            name: `${what} spec.plugins[${BARMAN_PLUGIN}]`,
            set: () =>
              `add a spec.plugins entry ${BARMAN_PLUGIN} with isWALArchiver: true naming an ObjectStore`,
          },
          environment: undefined,
        },
        { backups: plugin !== undefined },
        limits,
        (message) => reportViolation(message, cluster.urn),
      );
      if (plugin) {
        if (plugin["isWALArchiver"] !== true) {
          reportViolation(
            `${what}: the ${BARMAN_PLUGIN} plugin entry must set isWALArchiver: true.`,
            cluster.urn,
          );
        }
        const storeKey = key(namespace, storeName);
        if (storeKey === undefined || !storeKeys.has(storeKey)) {
          reportViolation(
            `${what}: parameters.barmanObjectName "${storeName ?? ""}" is not an ObjectStore in namespace ${namespace}.`,
            cluster.urn,
          );
        }
      }
      const hasSchedule =
        name !== undefined &&
        scheduled.some(
          (b) =>
            namespaceOf(b.props) === namespace && at(b.props, "spec", "cluster", "name") === name,
        );
      if (!hasSchedule) reportViolation(`${what} has no ScheduledBackup.`, cluster.urn);
    };

    runChecks([
      ...scheduled.map(checkScheduled),
      ...(limits.requireBackups ? clusters.map(checkCluster) : []),
    ]);
  },
);
