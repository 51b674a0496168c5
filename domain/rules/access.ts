import { MANAGED_SUBJECTS, tokenAbbreviation } from "../access";
import { NIGHTSCOUT_ROLES } from "../nightscout";
import { type Finding, type Vocabulary, rule } from "./rule";

/** Who an entry is: a person or app that watches, or a device that writes (AAPS, xDrip+). */
export const ACCESS_KINDS = ["follower", "uploader"] as const;
export type AccessKind = (typeof ACCESS_KINDS)[number];

export interface AccessEntry {
  /** Where the entry sits in its list, for the paths of findings. */
  index: number;
  name: string;
  kind: AccessKind;
  roles: readonly string[];
  allowAdmin: boolean;
}

export interface CustomRole {
  index: number;
  name: string;
  permissions: readonly string[];
}

export interface AccessModel {
  entries: readonly AccessEntry[];
  customRoles: readonly CustomRole[];
}

type AccessField = "access" | "accessRoles";

/**
 * A Nightscout permission (shiro-trie): up to four `:`-separated parts, each a word or `*`:
 * `api:treatments:create`, `*:*:read`, `*`.
 */
const PERMISSION = /^(\*|[a-z][a-z0-9-]*)(:(\*|[a-z][a-z0-9-]*)){0,3}$/;

/** A custom role's name; the stack's own mark on subjects (`nightscout-stack/...`) is not one. */
const ROLE_NAME = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/**
 * What Nightscout 15.0.7's authorization endpoints require (lib/authorization/endpoints.js): a
 * role granting any of them reads or makes subjects, and so every subject's token, which hands
 * over the site as `admin` does.
 */
const SUBJECT_ADMIN_PERMISSIONS = [
  "admin:api:subjects:read",
  "admin:api:subjects:create",
  "admin:api:subjects:update",
  "admin:api:subjects:delete",
  "admin:api:roles:list",
  "admin:api:roles:create",
  "admin:api:roles:update",
  "admin:api:roles:delete",
];

/**
 * Whether `permission` grants `wanted`, as shiro-trie checks it: each part matches itself or
 * `*`, a permission grants everything below its last part, and extra parts must all be `*`.
 */
export function grantsPermission(permission: string, wanted: string): boolean {
  const have = permission.split(":");
  const want = wanted.split(":");
  for (let i = 0; i < want.length; i++) {
    if (i >= have.length) return true;
    if (have[i] !== "*" && have[i] !== want[i]) return false;
  }
  return have.slice(want.length).every((part) => part === "*");
}

const administers = (permission: string) =>
  SUBJECT_ADMIN_PERMISSIONS.some((wanted) => grantsPermission(permission, wanted));

/** Built-in roles only an uploading device needs: a follower holding one can forge device data. */
export const UPLOADER_ROLES = ["devicestatus-upload"] as const;

/**
 * Whether `permission` lets its holder write glucose entries or device status. As in shiro-trie,
 * a permission grants everything below its last part: `api` and `api:entries` write entries.
 */
function uploads(permission: string): boolean {
  const [scope, collection, action] = permission.split(":");
  return (
    (scope === "api" || scope === "*") &&
    ["entries", "devicestatus", "*"].includes(collection ?? "*") &&
    ["create", "update", "*"].includes(action ?? "*")
  );
}

function adminRoles(roles: readonly string[], custom: readonly CustomRole[]): string[] {
  return roles.filter(
    (r) => r === "admin" || custom.some((c) => c.name === r && c.permissions.some(administers)),
  );
}

function uploaderRoles(roles: readonly string[], custom: readonly CustomRole[]): string[] {
  return roles.filter(
    (r) =>
      (UPLOADER_ROLES as readonly string[]).includes(r) ||
      custom.some((c) => c.name === r && c.permissions.some(uploads)),
  );
}

const fixAt = (words: Vocabulary<AccessField>, field: AccessField, at: string, value: string) =>
  words.setAt?.(field, at, value) ?? `set ${words.name(field)}${at} to ${value}`;

function entryFindings(
  entry: AccessEntry,
  model: AccessModel,
  words: Vocabulary<AccessField>,
): Finding<AccessField>[] {
  const findings: Finding<AccessField>[] = [];
  const at = `[${entry.index}].roles`;
  const known = [...NIGHTSCOUT_ROLES, ...model.customRoles.map((c) => c.name)];
  const unknown = entry.roles.filter((r) => !known.includes(r));
  if (unknown.length > 0) {
    findings.push({
      field: "access",
      at,
      value: JSON.stringify(entry.roles),
      why: `${entry.name}: names unknown roles: ${unknown.join(", ")} (built in: ${NIGHTSCOUT_ROLES.join(", ")}${model.customRoles.length > 0 ? `; declared in ${words.name("accessRoles")}: ${model.customRoles.map((c) => c.name).join(", ")}` : ""})`,
      fix: `${fixAt(words, "access", `${at}[${entry.roles.indexOf(unknown[0])}]`, "readable")} (or declare the role in ${words.name("accessRoles")})`,
    });
  }
  const admin = adminRoles(entry.roles, model.customRoles);
  if (admin.length > 0 && !entry.allowAdmin) {
    findings.push({
      field: "access",
      at,
      value: JSON.stringify(entry.roles),
      why: `${entry.name}: ${admin.join(", ")} hands over the whole site, settings and every subject's tokens included`,
      fix: `${fixAt(words, "access", `${at}[${entry.roles.indexOf(admin[0])}]`, "readable")} (or, for a device that needs it, as AAPS does over API v3: ${fixAt(words, "access", `[${entry.index}].allowAdmin`, "true")})`,
    });
  }
  const uploader = uploaderRoles(entry.roles, model.customRoles);
  if (entry.kind === "follower" && uploader.length > 0 && admin.length === 0) {
    findings.push({
      field: "access",
      at,
      kind: "uploader-role-to-follower",
      value: JSON.stringify(entry.roles),
      why: `${entry.name}: is a follower, yet ${uploader.join(", ")} lets it write glucose or device data that the loop and the caregivers act on`,
      fix: `${fixAt(words, "access", `${at}[${entry.roles.indexOf(uploader[0])}]`, "readable")} (or, if it is a device, ${fixAt(words, "access", `[${entry.index}].kind`, "uploader")})`,
    });
  }
  return findings;
}

/** Names whose tokens would start alike or with nothing, and the managed subjects' names. */
function nameFindings(model: AccessModel, words: Vocabulary<AccessField>): Finding<AccessField>[] {
  const findings: Finding<AccessField>[] = [];
  const taken = new Map<string, string>(
    MANAGED_SUBJECTS.map((m) => [tokenAbbreviation(m.name), `the stack's own ${m.name} subject`]),
  );
  for (const entry of model.entries) {
    const at = `[${entry.index}].name`;
    const abbreviation = tokenAbbreviation(entry.name);
    const holder = taken.get(abbreviation);
    if (abbreviation === "") {
      findings.push({
        field: "access",
        at,
        value: entry.name,
        why: "has no letter or digit, so the token would start with nothing that tells whose it is",
        fix: fixAt(words, "access", at, '"<a name with letters or digits>"'),
      });
    } else if (holder !== undefined) {
      findings.push({
        field: "access",
        at,
        value: entry.name,
        why: `gives tokens starting "${abbreviation}-", as ${holder} does, so the two links could not be told apart`,
        fix: fixAt(
          words,
          "access",
          at,
          `"<a name whose first ${abbreviation.length} letters differ>"`,
        ),
      });
    } else {
      taken.set(abbreviation, `${words.name("access")}[${entry.index}] (${entry.name})`);
    }
  }
  return findings;
}

function customRoleFindings(
  model: AccessModel,
  words: Vocabulary<AccessField>,
): Finding<AccessField>[] {
  const findings: Finding<AccessField>[] = [];
  const seen = new Set<string>();
  for (const role of model.customRoles) {
    const at = `[${role.index}].name`;
    if (!ROLE_NAME.test(role.name)) {
      findings.push({
        field: "accessRoles",
        at,
        value: role.name,
        why: "must be lowercase letters, digits and single dashes, as the built-in roles are",
        fix: fixAt(
          words,
          "accessRoles",
          at,
          `"${
            role.name
              .toLowerCase()
              .replace(/[^a-z0-9]+/g, "-")
              .replace(/^-|-$/g, "") || "my-role"
          }"`,
        ),
      });
    } else if ((NIGHTSCOUT_ROLES as readonly string[]).includes(role.name) || seen.has(role.name)) {
      findings.push({
        field: "accessRoles",
        at,
        value: role.name,
        why: `is ${seen.has(role.name) ? "declared twice" : "a built-in role's name"}: Nightscout would keep only one of them`,
        fix: fixAt(words, "accessRoles", at, `"${role.name}-custom"`),
      });
    }
    seen.add(role.name);
    role.permissions.forEach((permission, i) => {
      if (PERMISSION.test(permission)) return;
      findings.push({
        field: "accessRoles",
        at: `[${role.index}].permissions[${i}]`,
        value: permission,
        why: "is not a Nightscout permission: up to four parts joined by ':', each a lowercase word or *",
        fix: fixAt(
          words,
          "accessRoles",
          `[${role.index}].permissions[${i}]`,
          "api:treatments:create",
        ),
      });
    });
  }
  return findings;
}

/**
 * Fact 40: every access entry is a subject of its own, with known roles, a token prefix no one
 * else has, and admin only when acknowledged; a follower that could write device data is
 * flagged (a warning on the settings: a caregiver's phone may also upload).
 */
export const accessEntries = rule({
  id: "access-entries",
  fact: 40,
  onSettings: true,
  summary:
    "Each access entry names known roles, gets a token prefix of its own, holds admin only when acknowledged, and a follower gets no uploader role unnoticed.",
  check(model: AccessModel, words: Vocabulary<AccessField>): Finding<AccessField>[] {
    return [
      ...customRoleFindings(model, words),
      ...nameFindings(model, words),
      ...model.entries.flatMap((entry) => entryFindings(entry, model, words)),
    ];
  },
});
