import { fixWithAlternative, rule } from "./rule";

/** Fact 39: production's database survives a mistaken update or destroy. */
export const databaseProtected = rule({
  id: "database-protected",
  fact: 39,
  onSettings: true,
  policy: "production-database-protected",
  summary: "In production the PostgreSQL Cluster is protected from deletion and replacement.",
  limits: { production: { requireProtect: true }, staging: { requireProtect: false } },
  check(model: { protect: boolean }, words, { requireProtect }: { requireProtect: boolean }) {
    if (!requireProtect || model.protect) return [];
    return [
      {
        field: "protect" as const,
        value: "false",
        why: "production's database must be protected from deletion and replacement",
        fix: fixWithAlternative(words.set("protect", "true"), words.set("environment", "staging")),
      },
    ];
  },
});

/** Fact 8: without backups, a lost volume is a lost history. */
export const backupsRequired = rule({
  id: "backups-required",
  fact: 8,
  onSettings: true,
  policy: "backups-configured",
  summary: "In production every Cluster backs up through the Barman Cloud plugin.",
  limits: { production: { requireBackups: true }, staging: { requireBackups: false } },
  check(model: { backups: boolean }, words, { requireBackups }: { requireBackups: boolean }) {
    if (!requireBackups || model.backups) return [];
    return [
      {
        field: "backups" as const,
        value: undefined,
        why: "production needs backups: without them a lost volume is a lost history",
        fix: fixWithAlternative(
          words.set(
            "backups",
            "s3://<bucket>/<path> with backupAccessKeyId and backupSecretAccessKey",
          ),
          words.set("environment", "staging"),
        ),
      },
    ];
  },
});
