import { fixWithAlternative, rule } from "./rule";

/**
 * A rule that holds only where its environment requires it: production. `field` is the model's
 * one flag, `limit` the bound that switches it on, `missing` how the finding shows the value
 * and `remedy` what to set it to.
 */
function requiredInProduction<Field extends string, Limit extends string>(spec: {
  id: string;
  fact: number;
  policy: string;
  summary: string;
  field: Field;
  limit: Limit;
  missing: string | undefined;
  why: string;
  remedy: string;
}) {
  type Bounds = { [K in Limit]: boolean };
  const bounds = (required: boolean) => ({ [spec.limit]: required }) as Bounds;
  return rule({
    id: spec.id,
    fact: spec.fact,
    onSettings: true,
    policy: spec.policy,
    summary: spec.summary,
    limits: { production: bounds(true), staging: bounds(false) },
    check(model: { [K in Field]: boolean }, words, limits: Bounds) {
      if (!limits[spec.limit] || model[spec.field]) return [];
      return [
        {
          field: spec.field as Field | "environment",
          value: spec.missing,
          why: spec.why,
          fix: fixWithAlternative(
            words.set(spec.field, spec.remedy),
            words.set("environment", "staging"),
          ),
        },
      ];
    },
  });
}

/** Fact 39: production's database survives a mistaken update or destroy. */
export const databaseProtected = requiredInProduction({
  id: "database-protected",
  fact: 39,
  policy: "production-database-protected",
  summary: "In production the PostgreSQL Cluster is protected from deletion and replacement.",
  field: "protect",
  limit: "requireProtect",
  missing: "false",
  why: "production's database must be protected from deletion and replacement",
  remedy: "true",
});

/** Fact 8: without backups, a lost volume is a lost history. */
export const backupsRequired = requiredInProduction({
  id: "backups-required",
  fact: 8,
  policy: "backups-configured",
  summary: "In production every Cluster backs up through the Barman Cloud plugin.",
  field: "backups",
  limit: "requireBackups",
  missing: undefined,
  why: "production needs backups: without them a lost volume is a lost history",
  remedy: "s3://<bucket>/<path> with backupAccessKeyId and backupSecretAccessKey",
});

/** Fact 26: the built-in roles that let an anonymous visitor write or administer. */
export const WRITING_ROLES = ["admin", "careportal", "devicestatus-upload", "activity"] as const;

/**
 * Fact 26: in production an anonymous visitor gets no role that writes. `careportal` lets anyone
 * who finds the URL enter insulin and carbs, which the loop and the caregivers then act on;
 * `admin` hands over the site. Staging may try them; the pack still advises against it.
 */
export const anonymousRolesReadOnly = rule({
  id: "anonymous-roles-read-only",
  fact: 26,
  onSettings: true,
  summary: `In production no anonymous role writes (${WRITING_ROLES.join(", ")}).`,
  limits: {
    production: { allowAnonymousWrites: false as boolean },
    staging: { allowAnonymousWrites: true as boolean },
  },
  check(model: { roles: readonly string[] }, words, limits: { allowAnonymousWrites: boolean }) {
    const writing = model.roles.filter((r) => (WRITING_ROLES as readonly string[]).includes(r));
    if (limits.allowAnonymousWrites || writing.length === 0) return [];
    const kept = model.roles.filter((r) => !writing.includes(r));
    return [
      {
        field: "roles" as const,
        value: JSON.stringify(model.roles),
        why: `lets anyone who finds the URL ${writing.map((r) => (r === "admin" ? "administer the site" : r === "careportal" ? "enter insulin and carbs" : `use ${r}`)).join(" and ")} (${writing.join(", ")})`,
        fix: fixWithAlternative(
          words.set("roles", `'${JSON.stringify(kept.length > 0 ? kept : ["status-only"])}'`),
          "give caregivers who must write their own token instead",
        ),
      },
    ];
  },
});
