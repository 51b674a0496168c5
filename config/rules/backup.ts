// The Output module alone: see config/runtime.ts.
import * as pulumi from "@pulumi/pulumi/output";
import type { PostgresBackupArgs, PostgresRestoreArgs } from "../../components/postgres-cluster";
import { restoreFromOtherBackups } from "../../domain";
import { Settings } from "../read";
import type { SettingKey } from "../settings";
import { enforceOnSettings } from "./catalogue";

const CREDENTIALS: SettingKey[] = ["backupAccessKeyId", "backupSecretAccessKey"];

/** Fact 8-9: backups need a destination and credentials, or nothing at all. */
export function backupRule(s: Settings): PostgresBackupArgs | undefined {
  const destinationPath = s.text("backupDestinationPath");
  if (destinationPath === undefined) {
    // A restore from another store without backups of its own reads the same credentials and
    // endpoint: they are not stray then.
    const restoring = s.isSet("restoreFromServerName");
    const stray = (["backupEndpointUrl", ...CREDENTIALS] as SettingKey[]).find((k) => s.isSet(k));
    if (stray && !restoring) {
      s.problems.add(
        "backupDestinationPath",
        undefined,
        `is unset while ${stray} is set, so no backups would be taken`,
        "pulumi config set backupDestinationPath s3://<bucket>/<path>",
      );
    }
    return undefined;
  }
  for (const k of CREDENTIALS) {
    if (!s.isSet(k)) {
      s.problems.add(
        k,
        undefined,
        "is required when backupDestinationPath is set",
        `pulumi config set --secret ${k} <value>`,
      );
    }
  }
  return {
    destinationPath,
    endpointUrl: s.text("backupEndpointUrl"),
    region: s.text("backupRegion"),
    accessKeyId: s.secret("backupAccessKeyId") ?? pulumi.secret(""),
    secretAccessKey: s.secret("backupSecretAccessKey") ?? pulumi.secret(""),
    retention: s.text("backupRetention") ?? "",
    schedule: s.text("backupSchedule") ?? "",
  };
}

/** A point-in-time restore: a new cluster bootstrapped from an object store (README). */
export function restoreRule(
  s: Settings,
  backup: PostgresBackupArgs | undefined,
): PostgresRestoreArgs | undefined {
  const serverName = s.text("restoreFromServerName");
  const sourcePath = s.text("restoreSourcePath");
  const targetTime = s.text("restoreTargetTime");
  // Every restore setting is judged at once, also beside the problems below.
  enforceOnSettings(
    s,
    restoreFromOtherBackups,
    {
      sourcePath: "restoreSourcePath",
      destinationPath: "backupDestinationPath",
      serverName: "restoreFromServerName",
      clusterName: "postgresClusterName",
      targetTime: "restoreTargetTime",
      now: undefined,
    },
    {
      sourcePath: sourcePath ?? backup?.destinationPath ?? "",
      destinationPath: backup?.destinationPath,
      serverName,
      clusterName: s.text("postgresClusterName")!,
      targetTime: s.isValid("restoreTargetTime") ? targetTime : undefined,
      now: Date.now(),
    },
  );
  if (serverName === undefined) {
    if (sourcePath !== undefined || targetTime !== undefined) {
      s.problems.add(
        "restoreFromServerName",
        undefined,
        `is unset while ${sourcePath !== undefined ? "restoreSourcePath" : "restoreTargetTime"} is set, so nothing would be restored`,
        "pulumi config set restoreFromServerName <name of the backed-up cluster>",
      );
    }
    return undefined;
  }
  const destinationPath = sourcePath ?? backup?.destinationPath;
  if (destinationPath === undefined) {
    s.problems.add(
      "restoreSourcePath",
      undefined,
      "is required to restore when backupDestinationPath is unset",
      "pulumi config set restoreSourcePath s3://<bucket>/<path>",
    );
  }
  const accessKeyId = backup?.accessKeyId ?? s.secret("backupAccessKeyId");
  const secretAccessKey = backup?.secretAccessKey ?? s.secret("backupSecretAccessKey");
  if (!backup && (accessKeyId === undefined || secretAccessKey === undefined)) {
    s.problems.add(
      "backupAccessKeyId",
      undefined,
      "restore needs object store credentials (backupAccessKeyId and backupSecretAccessKey)",
      "pulumi config set --secret backupAccessKeyId <value>; pulumi config set --secret backupSecretAccessKey <value>",
    );
  }
  return {
    destinationPath: destinationPath ?? "",
    endpointUrl: s.text("backupEndpointUrl"),
    region: s.text("backupRegion"),
    accessKeyId: accessKeyId ?? pulumi.secret(""),
    secretAccessKey: secretAccessKey ?? pulumi.secret(""),
    serverName,
    targetTime,
  };
}
