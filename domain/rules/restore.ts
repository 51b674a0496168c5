import { fixWithAlternative, rule } from "./rule";

/** PostgreSQL 17.0's release: no backup of a PostgreSQL 17 cluster can be older. */
export const POSTGRES_17_RELEASED = "2024-09-26T00:00:00Z";

/**
 * One object-store path however it is written: the plugin appends `/<serverName>/` to it, so a
 * trailing slash (or several) names the same place.
 */
export function objectStorePathKey(path: string): string {
  return path.replace(/\/+$/, "");
}

export interface RestoreModel {
  /** Where the restored cluster reads its backups from. */
  sourcePath: string;
  /** Where the new cluster archives its own; undefined without backups. */
  destinationPath?: string;
  /** Undefined when nothing is restored. */
  serverName?: string;
  clusterName: string;
  /** RFC 3339, already checked as such; undefined for the end of the WAL. */
  targetTime?: string;
  /** The time of the check, in ms: a target after it waits for WAL that does not exist. */
  now: number;
}

/**
 * Fact 9: a point-in-time restore is a new cluster bootstrapped from the old one's backups. Named
 * like the old one in the same store, it archives its WAL over the backups it restores from; a
 * target time must lie between the first possible backup and now.
 */
export const restoreFromOtherBackups = rule({
  id: "restore-from-other-backups",
  fact: 9,
  onSettings: true,
  summary:
    "A restored cluster does not archive into the backups it restores from, and its target time lies between PostgreSQL 17's release and now.",
  check(model: RestoreModel, words) {
    const findings = [];
    if (
      model.serverName !== undefined &&
      model.destinationPath !== undefined &&
      objectStorePathKey(model.destinationPath) === objectStorePathKey(model.sourcePath) &&
      model.serverName === model.clusterName
    ) {
      findings.push({
        field: "clusterName" as const,
        value: model.clusterName,
        why: `equals ${words.name("serverName")} in the same object store, so the restored cluster would archive WAL over the backups it restores from`,
        fix:
          "give the new cluster another name, e.g. " +
          (words.set("clusterName", `${model.clusterName}-2`) ?? `${model.clusterName}-2`),
      });
    }
    if (model.targetTime !== undefined) {
      const target = Date.parse(model.targetTime);
      if (target > model.now) {
        findings.push({
          field: "targetTime" as const,
          value: model.targetTime,
          why: "is in the future; recovery would wait for WAL that does not exist",
          fix: "choose a time before now",
        });
      } else if (target < Date.parse(POSTGRES_17_RELEASED)) {
        findings.push({
          field: "targetTime" as const,
          value: model.targetTime,
          why: `is before PostgreSQL 17 was released (${POSTGRES_17_RELEASED.slice(0, 10)}), so no backup of this cluster reaches back to it`,
          fix: fixWithAlternative(
            "choose a time after the cluster's first base backup",
            words.name("targetTime") && `unset ${words.name("targetTime")} for the end of the WAL`,
          ),
        });
      }
    }
    return findings;
  },
});
