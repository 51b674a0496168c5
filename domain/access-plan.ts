/**
 * What the access reconciler does to make Nightscout's subjects and roles match the stack's
 * declarations (fact 40). The stack marks what it manages, so subjects and roles made by hand
 * on the Admin Tools page are recognised and left alone. Nightscout 15.0.7 lists a subject as
 * `{ _id, name, accessToken, roles }` only (lib/authorization/endpoints.js), so a subject's mark
 * is a role of its own, `nightscout-stack/rotate-<n>`, which grants nothing (no role of that name
 * exists) and shows on the Admin Tools page; a role is listed whole, so its mark is in `notes`.
 */

/** A subject or role the stack declares: its name, what Nightscout stores, and its rotation. */
export interface Declared<F> {
  name: string;
  /** What Nightscout stores, the stack's mark included (managedRole, managedNotes). */
  fields: F;
  /** Raised by one to replace the subject: a new `_id`, so a new token and the old one revoked. */
  rotate: number;
}

/** A subject or role Nightscout holds. */
export interface Existing<F> {
  _id: string;
  name: string;
  fields: F;
  /** The rotation the stack made it with; undefined when it was made by hand. */
  rotation: number | undefined;
}

export type Action<F> =
  | { kind: "create"; name: string; fields: F }
  | { kind: "update"; _id: string; name: string; fields: F; changed: string[] }
  | { kind: "rotate"; _id: string; name: string; fields: F }
  | { kind: "delete"; _id: string; name: string }
  | { kind: "keep"; _id: string; name: string }
  | { kind: "leave"; _id: string; name: string };

export interface Plan<F> {
  actions: Action<F>[];
  /** Declarations that cannot be made so without touching what was made by hand: nothing runs. */
  conflicts: string[];
}

const NOTES_MARK = /^managed by nightscout-stack \(rotate (\d+)\)(?:: ([\s\S]*))?$/;
const ROLE_MARK = /^nightscout-stack\/rotate-(\d+)$/;

/** The notes the stack writes on a role it manages: the mark and the operator's note. */
export function managedNotes(rotate: number, note?: string): string {
  return `managed by nightscout-stack (rotate ${rotate})${note ? `: ${note}` : ""}`;
}

/** The role that marks a subject the stack manages, with its rotation. */
export function managedRole(rotate: number): string {
  return `nightscout-stack/rotate-${rotate}`;
}

/** The rotation in a managed role's notes, or among a managed subject's roles; else undefined. */
export function managedRotation(mark: string | readonly string[] | undefined): number | undefined {
  const found =
    typeof mark === "string"
      ? NOTES_MARK.exec(mark)
      : (mark ?? []).map((r) => ROLE_MARK.exec(r)).find((m) => m !== null);
  return found ? Number(found[1]) : undefined;
}

/** The names of the fields whose values differ, compared as JSON (order of roles included). */
function changedFields<F extends object>(declared: F, existing: F): string[] {
  const names = new Set([...Object.keys(declared), ...Object.keys(existing)]);
  return [...names].filter(
    (n) =>
      JSON.stringify((declared as Record<string, unknown>)[n]) !==
      JSON.stringify((existing as Record<string, unknown>)[n]),
  );
}

/**
 * The actions that make `existing` match `declared`: create what is missing, update what
 * changed, replace what is rotated, delete managed ones no longer declared (revoking their
 * tokens), keep the rest, and leave alone what was made by hand. `what` names the kind of record
 * for conflicts ("subject", "role"). With `undeclared: "keep"`, managed records no longer
 * declared are kept instead: the stack then declares only its own subjects, not the people's,
 * and must not revoke what an earlier declaration made.
 */
export function planAccess<F extends object>(
  declared: readonly Declared<F>[],
  existing: readonly Existing<F>[],
  what: string,
  undeclared: "delete" | "keep" = "delete",
): Plan<F> {
  const actions: Action<F>[] = [];
  const conflicts: string[] = [];
  const managed = existing.filter((e) => e.rotation !== undefined);
  const byHand = existing.filter((e) => e.rotation === undefined);
  const claimed = new Set<string>();
  for (const d of declared) {
    const handMade = byHand.find((e) => e.name === d.name);
    if (handMade) {
      conflicts.push(
        `${what} ${JSON.stringify(d.name)} was made by hand (_id ${handMade._id}); the stack leaves it alone and so cannot declare that name: delete it in Admin Tools, or rename the entry`,
      );
      continue;
    }
    const current = managed.find((e) => e.name === d.name && !claimed.has(e._id));
    if (!current) {
      actions.push({ kind: "create", name: d.name, fields: d.fields });
      continue;
    }
    claimed.add(current._id);
    if (current.rotation !== d.rotate) {
      actions.push({ kind: "rotate", _id: current._id, name: d.name, fields: d.fields });
      continue;
    }
    const changed = changedFields(d.fields, current.fields);
    actions.push(
      changed.length > 0
        ? { kind: "update", _id: current._id, name: d.name, fields: d.fields, changed }
        : { kind: "keep", _id: current._id, name: d.name },
    );
  }
  for (const e of managed) {
    if (!claimed.has(e._id)) actions.push({ kind: undeclared, _id: e._id, name: e.name });
  }
  for (const e of byHand) actions.push({ kind: "leave", _id: e._id, name: e.name });
  return { actions, conflicts };
}

/** Whether running the plan would change anything. */
export function planChanges<F>(plan: Plan<F>): boolean {
  return plan.actions.some((a) => a.kind !== "keep" && a.kind !== "leave");
}
