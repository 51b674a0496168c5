/**
 * The stack's alert rules, as data: the program renders them into a PrometheusRule, and
 * `monitoring/alerts.rules.yaml` (what promtool tests) is the same function's output for the
 * parameters in `RULES_FILE_PARAMETERS` (a unit test keeps the two equal). Every alert says
 * what to do first; the README's "Monitoring and alerts" section is the runbook.
 */
import { parseCronSchedule, scheduleGaps } from "./cron";

/** CNPG's instance manager serves Prometheus metrics on this port, named `metrics`. */
export const CNPG_METRICS_PORT = 9187;
export const CNPG_METRICS_PORT_NAME = "metrics";
/** prometheus-community/json_exporter's listening port. */
export const GLUCOSE_EXPORTER_PORT = 7979;
export const GLUCOSE_EXPORTER_PORT_NAME = "http";
/** The gauge the exporter makes of Nightscout's newest entry: its `date`, in milliseconds. */
export const NEWEST_ENTRY_METRIC = "nightscout_newest_entry_timestamp_milliseconds";
/** The Barman Cloud plugin's gauge (plugin docs, "Observability"), per instance. */
export const LAST_BACKUP_METRIC = "barman_cloud_cloudnative_pg_io_last_available_backup_timestamp";

/**
 * A CGM sends a value every 5 minutes (Dexcom, Libre via xDrip+): 20 minutes is four missed
 * readings. Below 10 the alert would fire on an ordinary late upload; above a day it no longer
 * warns anyone in time.
 */
export const DEFAULT_STALE_DATA_MINUTES = 20;
export const STALE_DATA_MINUTES_RANGE = [10, 1440] as const;

/** A base backup may take this long after its scheduled time before it counts as missing. */
export const BACKUP_GRACE_SECONDS = 3600;
/** A replica this far behind (seconds) loses that much on a failover. */
export const REPLICA_LAG_SECONDS = 300;

export interface AlertParameters {
  /** The app namespace, where every scraped pod runs. */
  namespace: string;
  /** The CNPG Cluster; its instance pods are `<clusterName>-<n>`. */
  clusterName: string;
  instances: number;
  /** The ScheduledBackup's six-field schedule; undefined when there are no backups. */
  backupSchedule?: string;
  staleDataMinutes: number;
  nightscoutDeployment: string;
  ferretdbDeployment: string;
  /** The `job` label of the glucose exporter's scrape (the PodMonitor's jobLabel value). */
  exporterJob: string;
}

/** One Prometheus alerting rule, as a PrometheusRule and a promtool rule file write it. */
export interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels: { severity: "critical" | "warning" };
  annotations: { summary: string; description: string; runbook: string };
}

export interface AlertGroup {
  name: string;
  rules: AlertRule[];
}

/** The README anchor of an alert's runbook entry. */
export function runbookOf(alert: string): string {
  return `README.md#${alert.toLowerCase()}`;
}

/**
 * The longest time between two runs of a schedule, in seconds (schedules may skip days:
 * "0 0 3 * * 1" is weekly). Computed by day (domain/cron.ts), so it is bounded for any schedule.
 */
export function longestScheduleGapSeconds(schedule: string): number {
  const parsed = parseCronSchedule(schedule);
  if ("problem" in parsed)
    throw new Error(`backup schedule ${JSON.stringify(schedule)} ${parsed.problem}`);
  const gaps = scheduleGaps(parsed);
  if (gaps === undefined) throw new Error(`backup schedule ${JSON.stringify(schedule)} never runs`);
  return gaps.longest;
}

/** The newest base backup may be this old (seconds) before the backup-age alert fires. */
export function backupMaxAgeSeconds(schedule: string): number {
  return longestScheduleGapSeconds(schedule) + BACKUP_GRACE_SECONDS;
}

function rule(
  alert: string,
  severity: AlertRule["labels"]["severity"],
  expr: string,
  forDuration: string | undefined,
  summary: string,
  description: string,
): AlertRule {
  return {
    alert,
    expr,
    ...(forDuration ? { for: forDuration } : {}),
    labels: { severity },
    annotations: { summary, description, runbook: runbookOf(alert) },
  };
}

/** The alert rules for one stack, in two groups: the data path, and the database. */
export function alertGroups(p: AlertParameters): AlertGroup[] {
  const ns = `namespace="${p.namespace}"`;
  const instances = `${ns}, pod=~"${p.clusterName}-[0-9]+"`;
  const exporter = `${ns}, job="${p.exporterJob}"`;
  const staleSeconds = p.staleDataMinutes * 60;

  const dataPath: AlertRule[] = [
    rule(
      "NightscoutGlucoseDataStale",
      "critical",
      // Age of the newest entry past the threshold, or Nightscout answering with no entry at all.
      `(time() - max(${NEWEST_ENTRY_METRIC}{${exporter}}) / 1000 > ${staleSeconds})` +
        ` or (max(up{${exporter}}) == 1 unless max(${NEWEST_ENTRY_METRIC}{${exporter}}))`,
      undefined,
      `No new glucose value in Nightscout for more than ${p.staleDataMinutes} minutes`,
      `The newest CGM entry in Nightscout (${p.namespace}) is older than ${p.staleDataMinutes} minutes: the uploader (phone, xDrip+, Loop, AAPS) stopped sending, or Nightscout cannot store what it receives.`,
    ),
    rule(
      "NightscoutUnavailable",
      "critical",
      `(max(kube_deployment_status_replicas_available{${ns}, deployment="${p.nightscoutDeployment}"}) < 1)` +
        ` or (max(up{${exporter}}) == 0)`,
      "5m",
      "Nightscout is not answering",
      `Nightscout in ${p.namespace} has had no available pod, or has not answered its API inside the cluster, for 5 minutes: followers see nothing and uploads are lost.`,
    ),
    rule(
      "FerretDBUnavailable",
      "critical",
      `max(kube_deployment_status_replicas_available{${ns}, deployment="${p.ferretdbDeployment}"}) < 1`,
      "5m",
      "FerretDB has no available pod",
      `FerretDB in ${p.namespace} has had no available pod for 5 minutes: Nightscout can neither store nor read glucose data.`,
    ),
  ];

  const database: AlertRule[] = [
    rule(
      "PostgresInstanceNotReady",
      "warning",
      `(count(cnpg_collector_up{${instances}} == 1) or vector(0)) < ${p.instances}`,
      "5m",
      `Fewer than ${p.instances} PostgreSQL instance(s) up`,
      `Fewer than ${p.instances} instance(s) of the ${p.clusterName} cluster have had PostgreSQL up for 5 minutes: the cluster has less redundancy than configured, or no primary.`,
    ),
    rule(
      "PostgresReplicaLagging",
      "warning",
      `max by (pod) (cnpg_pg_replication_lag{${instances}}) > ${REPLICA_LAG_SECONDS}`,
      "5m",
      "A PostgreSQL replica is lagging",
      `A replica of ${p.clusterName} has been more than ${REPLICA_LAG_SECONDS} s behind the primary for 5 minutes: a failover now would lose that much data.`,
    ),
  ];
  if (p.backupSchedule !== undefined) {
    const maxAge = backupMaxAgeSeconds(p.backupSchedule);
    database.push(
      rule(
        "PostgresWalArchivingFailing",
        "critical",
        `max(cnpg_pg_stat_archiver_last_failed_time{${instances}}) > max(cnpg_pg_stat_archiver_last_archived_time{${instances}})`,
        "10m",
        "WAL archiving to the object store is failing",
        `The primary of ${p.clusterName} has failed to archive WAL for 10 minutes: point-in-time recovery stops at the last archived segment, and WAL piles up on the volume.`,
      ),
      rule(
        "PostgresBackupTooOld",
        "warning",
        `(time() - max(${LAST_BACKUP_METRIC}{${instances}}) > ${maxAge})` +
          ` or absent(${LAST_BACKUP_METRIC}{${instances}})`,
        "1h",
        "The newest base backup is older than the schedule allows",
        `The newest base backup of ${p.clusterName} is older than ${maxAge / 3600} h (the longest gap of the schedule "${p.backupSchedule}" plus ${BACKUP_GRACE_SECONDS / 3600} h), or none is known: a restore would have to replay more WAL, or could not start.`,
      ),
    );
  }
  return [
    { name: "nightscout-data-path", rules: dataPath },
    { name: "nightscout-database", rules: database },
  ];
}

/**
 * What `monitoring/alerts.rules.yaml` is rendered with: the defaults, a cluster of three
 * instances with the default daily backup, in namespace `nightscout`.
 */
export const RULES_FILE_PARAMETERS: AlertParameters = {
  namespace: "nightscout",
  clusterName: "nightscout-db",
  instances: 3,
  backupSchedule: "0 45 2 * * *",
  staleDataMinutes: DEFAULT_STALE_DATA_MINUTES,
  nightscoutDeployment: "nightscout",
  ferretdbDeployment: "ferretdb",
  exporterJob: "nightscout-glucose-exporter",
};
