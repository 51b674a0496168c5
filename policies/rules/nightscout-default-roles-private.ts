import { NIGHTSCOUT_ROLES } from "../../domain";
import { resourcePolicy, stringList } from "../lib/define";
import { NIGHTSCOUT_REPOSITORY, envOf } from "../lib/k8s";
import { applicationContainer } from "../lib/workloads";

const settings = {
  allowedDefaultRoles: stringList(
    ["denied", "status-only"],
    "Roles an anonymous visitor may get; anything else exposes CGM data or writes.",
  ),
};

export const nightscoutDefaultRolesPrivate = resourcePolicy(
  { name: "nightscout-default-roles-private", enforcementLevel: "advisory", settings },
  "Nightscout's AUTH_DEFAULT_ROLES keeps CGM data private (the default, readable, makes it public).",
  (args, reportViolation, { allowedDefaultRoles }) => {
    const { container } = applicationContainer(args, NIGHTSCOUT_REPOSITORY, "Nightscout");
    const entry = envOf(container).get("AUTH_DEFAULT_ROLES");
    if (!entry) {
      reportViolation(
        'AUTH_DEFAULT_ROLES is not set, so it defaults to "readable": all CGM data is public. Use status-only or denied.',
      );
      return;
    }
    if (entry.value === undefined) return; // From a ConfigMap or Secret: not visible here.
    const roles = entry.value.split(/[\s,]+/).filter((r) => r.length > 0);
    const unknown = roles.filter((r) => !(NIGHTSCOUT_ROLES as readonly string[]).includes(r));
    if (unknown.length > 0) {
      reportViolation(
        `AUTH_DEFAULT_ROLES names unknown role(s) ${unknown.join(", ")}; Nightscout ignores them.`,
      );
    }
    const exposed = roles.filter(
      (r) =>
        (NIGHTSCOUT_ROLES as readonly string[]).includes(r) && !allowedDefaultRoles.includes(r),
    );
    if (exposed.length > 0) {
      reportViolation(
        `AUTH_DEFAULT_ROLES grants ${exposed.join(", ")} to anonymous visitors; allowed: ${allowedDefaultRoles.join(", ")}.`,
      );
    }
  },
);
