/**
 * config/rules/backup.ts at its edges: each stray setting named, each missing credential on its
 * own, the words of every fix, and the Args handed on (docs/mutation-testing.md).
 */
import { WITH_BACKUP, parse, problems, value } from "./helpers";

describe("backups", () => {
  test.each(["backupEndpointUrl", "backupAccessKeyId", "backupSecretAccessKey"])(
    "%s without a destination is named, with the fix",
    (stray) => {
      const given = stray === "backupEndpointUrl" ? "https://s3.example.org" : "x";
      expect(problems({ [stray]: given })).toEqual([
        `nightscout:backupDestinationPath = undefined: is unset while ${stray} is set, so no backups would be taken. Fix: pulumi config set backupDestinationPath s3://<bucket>/<path>`,
      ]);
    },
  );

  test("each missing credential is named on its own", () => {
    expect(problems({ backupDestinationPath: "s3://b/p", backupAccessKeyId: "AKID" })).toEqual([
      "nightscout:backupSecretAccessKey = (secret): is required when backupDestinationPath is set. Fix: pulumi config set --secret backupSecretAccessKey <value>",
    ]);
  });

  test("the Args carry the settings, the credentials as secrets", async () => {
    const backup = parse({
      ...WITH_BACKUP,
      backupEndpointUrl: "https://s3.example.org",
      backupRegion: "eu-west-1",
      backupRetention: "14d",
      backupSchedule: "0 0 4 * * *",
    }).postgres.backup!;
    expect(backup).toMatchObject({
      destinationPath: "s3://b/p",
      endpointUrl: "https://s3.example.org",
      region: "eu-west-1",
      retention: "14d",
      schedule: "0 0 4 * * *",
    });
    expect(await value(backup.accessKeyId)).toBe("AKID");
    expect(await value(backup.secretAccessKey)).toBe("SAK");
  });
});

describe("restores", () => {
  const restoring = { postgresClusterName: "db2", restoreFromServerName: "nightscout-db" };

  test.each([
    ["restoreSourcePath", { restoreSourcePath: "s3://old/p" }],
    ["restoreTargetTime", { restoreTargetTime: "2026-11-20T03:00:00Z" }],
  ])("%s without a server name names what is set", (named, given) => {
    expect(problems({ ...WITH_BACKUP, ...given })).toEqual([
      `nightscout:restoreFromServerName = undefined: is unset while ${named} is set, so nothing would be restored. Fix: pulumi config set restoreFromServerName <name of the backed-up cluster>`,
    ]);
  });

  test("a source path of its own wins over the backup store's", () => {
    const restore = parse({ ...WITH_BACKUP, ...restoring, restoreSourcePath: "s3://old/p" })
      .postgres.restore!;
    expect(restore).toMatchObject({ destinationPath: "s3://old/p", serverName: "nightscout-db" });
    expect(restore.targetTime).toBeUndefined();
  });

  test("without backups, both credentials are needed: one is not enough", () => {
    const alone = { ...restoring, restoreSourcePath: "s3://old/p" };
    for (const one of [{ backupAccessKeyId: "AKID" }, { backupSecretAccessKey: "SAK" }]) {
      expect(problems({ ...alone, ...one })).toEqual([
        "nightscout:backupAccessKeyId = (secret): restore needs object store credentials (backupAccessKeyId and backupSecretAccessKey). Fix: pulumi config set --secret backupAccessKeyId <value>; pulumi config set --secret backupSecretAccessKey <value>",
      ]);
    }
  });

  test("without backups, the restore's credentials, endpoint and region are its own", async () => {
    const restore = parse({
      ...restoring,
      restoreSourcePath: "s3://old/p",
      backupAccessKeyId: "AKID",
      backupSecretAccessKey: "SAK",
      backupEndpointUrl: "https://s3.example.org",
      backupRegion: "us-east-1",
    }).postgres.restore!;
    expect(restore).toMatchObject({
      destinationPath: "s3://old/p",
      endpointUrl: "https://s3.example.org",
      region: "us-east-1",
    });
    expect(await value(restore.accessKeyId)).toBe("AKID");
    expect(await value(restore.secretAccessKey)).toBe("SAK");
  });

  test("restoring into the server name's own store names both settings, with the fix", () => {
    expect(problems({ ...WITH_BACKUP, restoreFromServerName: "nightscout-db" })).toEqual([
      'nightscout:postgresClusterName = "nightscout-db": equals restoreFromServerName in the same object store, so the restored cluster would archive WAL over the backups it restores from. Fix: give the new cluster another name, e.g. pulumi config set postgresClusterName nightscout-db-2',
    ]);
  });

  test("a malformed target time is reported once: the rule does not judge it as well", () => {
    // Date.parse reads this (offset missing) as a future local time: judged, it would be a
    // second problem, "is in the future".
    const found = problems({
      ...WITH_BACKUP,
      ...restoring,
      restoreTargetTime: "2999-01-01T00:00:00",
    });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^nightscout:restoreTargetTime = "2999-01-01T00:00:00": /);
    expect(found[0]).not.toMatch(/in the future/);
  });

  test("no source at all is refused with the fix", () => {
    expect(problems({ ...restoring, backupAccessKeyId: "A", backupSecretAccessKey: "S" })).toEqual([
      "nightscout:restoreSourcePath = undefined: is required to restore when backupDestinationPath is unset. Fix: pulumi config set restoreSourcePath s3://<bucket>/<path>",
    ]);
  });
});
