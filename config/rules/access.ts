/** Fact 40 (domain/rules/access.ts) over the settings. */
import { type AccessKind, accessEntries } from "../../domain";
import { Settings } from "../read";
import { enforceOnSettings } from "./catalogue";

/** The access entries and custom roles as the rule sees them; entries with a problem are left out. */
export function accessModel(s: Settings) {
  return {
    entries: s.records("access").map(({ index, fields }) => ({
      index,
      name: fields.name as string,
      kind: (fields.kind ?? "follower") as AccessKind,
      roles: fields.roles as string[],
      allowAdmin: fields.allowAdmin === true,
    })),
    customRoles: s.records("accessRoles").map(({ index, fields }) => ({
      index,
      name: fields.name as string,
      permissions: fields.permissions as string[],
    })),
  };
}

export function accessRule(s: Settings): void {
  enforceOnSettings(
    s,
    accessEntries,
    { access: "access", accessRoles: "accessRoles" },
    accessModel(s),
    (finding) =>
      finding.kind === "uploader-role-to-follower"
        ? "accepted: a caregiver's phone may upload too; make the entry kind uploader if so"
        : undefined,
  );
}
