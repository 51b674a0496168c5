/**
 * Makes Nightscout's subjects and roles what the stack declares (fact 40, issue 22): roles first,
 * since subjects name them, then subjects; nothing at all changes while a declaration conflicts
 * with something made by hand. The result names each managed subject with its `_id`, from which
 * the program derives the token (domain/access.ts); no token is read or written here.
 */
import {
  type Action,
  type Declared,
  type Existing,
  type Plan,
  managedNotes,
  managedRole,
  managedRotation,
  planAccess,
} from "../domain/access-plan";
import type { AuthorizationApi } from "./nightscout-api";

export interface AccessDeclaration {
  subjects: readonly { name: string; roles: readonly string[]; rotate: number }[];
  roles: readonly { name: string; permissions: readonly string[]; note?: string }[];
  /**
   * What happens to managed subjects and roles no longer declared: revoked (the default), or,
   * when the stack declares only its own subjects (no `access` setting), kept as they are.
   */
  undeclared?: "delete" | "keep";
}

export interface AccessResult {
  /**
   * Every managed subject after the run, by name, with the `_id` its token derives from; in a
   * dry run, those that keep their `_id` (unchanged or updated in place).
   */
  subjects: { name: string; _id: string }[];
  /** In a dry run, the subjects whose `_id`, and so token, is known only after the update. */
  pending: string[];
  /** One line per change, and per subject or role left alone because it was made by hand. */
  report: string[];
  changed: boolean;
}

export class AccessConflict extends Error {
  override name = "AccessConflict";
}

type SubjectFields = { roles: string[] };
type RoleFields = { permissions: string[]; notes: string };

export function subjectsDeclared(d: AccessDeclaration): Declared<SubjectFields>[] {
  return d.subjects.map((s) => ({
    name: s.name,
    rotate: s.rotate,
    fields: { roles: [...s.roles, managedRole(s.rotate)] },
  }));
}

export function rolesDeclared(d: AccessDeclaration): Declared<RoleFields>[] {
  return d.roles.map((r) => ({
    name: r.name,
    rotate: 0,
    fields: { permissions: [...r.permissions], notes: managedNotes(0, r.note) },
  }));
}

/** The two plans, from what Nightscout holds now. */
export async function planFor(
  api: AuthorizationApi,
  declaration: AccessDeclaration,
): Promise<{ roles: Plan<RoleFields>; subjects: Plan<SubjectFields> }> {
  const roles: Existing<RoleFields>[] = (await api.listRoles())
    .filter((r): r is typeof r & { _id: string } => r._id !== undefined)
    .map((r) => ({
      _id: r._id,
      name: r.name,
      fields: { permissions: r.permissions ?? [], notes: r.notes ?? "" },
      rotation: managedRotation(r.notes ?? ""),
    }));
  const subjects: Existing<SubjectFields>[] = (await api.listSubjects()).map((s) => ({
    _id: s._id,
    name: s.name,
    fields: { roles: s.roles },
    rotation: managedRotation(s.roles),
  }));
  return {
    roles: planAccess(rolesDeclared(declaration), roles, "role", declaration.undeclared),
    subjects: planAccess(
      subjectsDeclared(declaration),
      subjects,
      "subject",
      declaration.undeclared,
    ),
  };
}

/** How a plan's action reads in the report; undefined for what stays as it is. */
export function describe<F>(what: string, a: Action<F>): string | undefined {
  switch (a.kind) {
    case "create":
      return `${what} ${a.name}: created`;
    case "update":
      return `${what} ${a.name}: ${a.changed.join(", ")} updated (its token stays)`;
    case "rotate":
      return `${what} ${a.name}: rotated (a new token; the old one no longer works)`;
    case "delete":
      return `${what} ${a.name}: deleted, no longer declared${what === "subject" ? " (its token no longer works)" : ""}`;
    case "leave":
      return `${what} ${a.name}: made by hand, left alone`;
    case "keep":
      return undefined;
  }
}

async function apply<F>(
  actions: readonly Action<F>[],
  calls: {
    create: (name: string, fields: F) => Promise<void>;
    save: (_id: string, name: string, fields: F) => Promise<void>;
    remove: (_id: string) => Promise<void>;
  },
): Promise<void> {
  for (const a of actions) {
    if (a.kind === "create") await calls.create(a.name, a.fields);
    if (a.kind === "update") await calls.save(a._id, a.name, a.fields);
    // The new subject first: the name is never without a working token in between.
    if (a.kind === "rotate") {
      await calls.create(a.name, a.fields);
      await calls.remove(a._id);
    }
  }
  for (const a of actions) if (a.kind === "delete") await calls.remove(a._id);
}

/** Runs the plans. With `dryRun`, only says what it would do. */
export async function reconcileAccess(
  api: AuthorizationApi,
  declaration: AccessDeclaration,
  { dryRun = false } = {},
): Promise<AccessResult> {
  const plans = await planFor(api, declaration);
  const conflicts = [...plans.roles.conflicts, ...plans.subjects.conflicts];
  if (conflicts.length > 0) throw new AccessConflict(`nothing changed: ${conflicts.join("; ")}`);
  const report = [
    ...plans.roles.actions.map((a) => describe("role", a)),
    ...plans.subjects.actions.map((a) => describe("subject", a)),
  ].filter((line): line is string => line !== undefined);
  const changed = [...plans.roles.actions, ...plans.subjects.actions].some(
    (a) => a.kind !== "keep" && a.kind !== "leave",
  );
  if (!dryRun) {
    const roleActions = plans.roles.actions;
    // Roles are created and updated before the subjects that name them, deleted after.
    await apply(
      roleActions.filter((a) => a.kind !== "delete"),
      {
        create: (name, f) => api.createRole({ name, ...f }),
        save: (_id, name, f) => api.saveRole({ _id, name, ...f }),
        remove: (_id) => api.removeRole(_id),
      },
    );
    await apply(plans.subjects.actions, {
      create: (name, f) => api.createSubject({ name, ...f }),
      save: (_id, name, f) => api.saveSubject({ _id, name, ...f }),
      remove: (_id) => api.removeSubject(_id),
    });
    await apply(
      roleActions.filter((a) => a.kind === "delete"),
      { create: async () => {}, save: async () => {}, remove: (_id) => api.removeRole(_id) },
    );
  }
  const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
  if (dryRun) {
    const subjects: { name: string; _id: string }[] = [];
    const pending: string[] = [];
    for (const a of plans.subjects.actions) {
      if (a.kind === "keep" || a.kind === "update") subjects.push({ name: a.name, _id: a._id });
      if (a.kind === "create" || a.kind === "rotate") pending.push(a.name);
    }
    return { subjects: subjects.sort(byName), pending, report, changed };
  }
  const subjects = (await api.listSubjects())
    .filter((s) => managedRotation(s.roles) !== undefined)
    .map(({ name, _id }) => ({ name, _id }))
    .sort(byName);
  return { subjects, pending: [], report, changed };
}
