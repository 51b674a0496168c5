/** Fact 40 (domain/rules/access.ts) over the settings, and the route the reconciler takes. */
import type { AccessDeclaration } from "../../access/reconcile";
import { type AccessKind, MANAGED_SUBJECTS, accessEntries } from "../../domain";
import { Settings } from "../read";
import { enforceOnSettings } from "./catalogue";
import type { PostDeployCheckSettings } from "./check";

/** What the access reconciler is given; undefined when the stack does not manage access. */
export interface AccessSettings {
  declaration: AccessDeclaration;
  /** The post-deploy check's route: a port-forward to the Service, or the public URL. */
  mode: PostDeployCheckSettings["mode"];
  deadlineSeconds: number;
}

/** The access entries and custom roles as the rule sees them; entries with a problem are left out. */
export function accessModel(s: Settings) {
  return {
    entries: s.records("access").map(({ index, fields }) => ({
      index,
      name: fields.name as string,
      kind: (fields.kind ?? "follower") as AccessKind,
      roles: fields.roles as string[],
      allowAdmin: fields.allowAdmin === true,
      rotate: (fields.rotate as number | undefined) ?? 0,
    })),
    customRoles: s.records("accessRoles").map(({ index, fields }) => ({
      index,
      name: fields.name as string,
      permissions: fields.permissions as string[],
      note: fields.note as string | undefined,
    })),
  };
}

/**
 * Whether the glucose exporter gets the stack's own `readable` subject: with monitoring on and
 * no `glucoseExporterToken` of the operator's. Without a route to Nightscout (postDeployCheck
 * off) it cannot, and reads with API_SECRET's hash as before, which grants everything: a warning.
 */
function exporterSubjectRule(
  s: Settings,
  postDeployCheck: PostDeployCheckSettings | undefined,
): boolean {
  // Read as monitoringRule reads it: an empty token is no token.
  if (!s.flag("monitoring") || s.secret("glucoseExporterToken") !== undefined) return false;
  if (postDeployCheck) return true;
  s.warnings.push(
    "monitoring: the glucose exporter reads Nightscout with API_SECRET's hash, which grants " +
      "admin, because postDeployCheck is off and the stack cannot make it a readable token of " +
      "its own; set postDeployCheck to portForward, or glucoseExporterToken to a token with " +
      "the readable role",
  );
  return false;
}

/**
 * The access entries checked; the stack manages access once `access` or `accessRoles` is given,
 * even as an empty list, which revokes every managed subject (unset, nothing is touched). With
 * monitoring on, the glucose exporter's own subject is declared too (MANAGED_SUBJECTS); declared
 * alone, it revokes nothing an earlier declaration made.
 */
export function accessRule(
  s: Settings,
  postDeployCheck: PostDeployCheckSettings | undefined,
): AccessSettings | undefined {
  const model = accessModel(s);
  enforceOnSettings(
    s,
    accessEntries,
    { access: "access", accessRoles: "accessRoles" },
    model,
    (finding) =>
      finding.kind === "uploader-role-to-follower"
        ? "accepted: a caregiver's phone may upload too; make the entry kind uploader if so"
        : undefined,
  );
  const people = s.isGiven("access") || s.isGiven("accessRoles");
  // Rendering deploys nothing, so there is no Nightscout to make subjects in, nor to refuse for.
  if (s.isSet("renderYamlToDirectory")) {
    if (people) {
      s.warnings.push(
        "access: not applied while renderYamlToDirectory is set: nothing is deployed, so there is no Nightscout to make the subjects in",
      );
    }
    return undefined;
  }
  const exporter = exporterSubjectRule(s, postDeployCheck);
  if (!people && !exporter) return undefined;
  if (!postDeployCheck) {
    s.problems.add(
      s.isGiven("access") ? "access" : "accessRoles",
      s.text(s.isGiven("access") ? "access" : "accessRoles"),
      "is applied after deploy through the post-deploy check's route, and postDeployCheck is off",
      "pulumi config set postDeployCheck portForward (or pulumi config rm access and accessRoles to manage access by hand)",
    );
    return undefined;
  }
  const own = exporter
    ? MANAGED_SUBJECTS.map((m) => ({ ...m, roles: [...m.roles], rotate: 0 }))
    : [];
  return {
    declaration: {
      subjects: [
        ...own,
        ...model.entries.map((e) => ({ name: e.name, roles: e.roles, rotate: e.rotate })),
      ],
      roles: model.customRoles.map((r) => ({
        name: r.name,
        permissions: r.permissions,
        note: r.note,
      })),
      undeclared: people ? "delete" : "keep",
    },
    mode: postDeployCheck.mode,
    deadlineSeconds: postDeployCheck.deadlineSeconds,
  };
}
