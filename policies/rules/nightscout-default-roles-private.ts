import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { NIGHTSCOUT_ROLES } from "../../domain";
import { configOf } from "../lib/config";
import { NIGHTSCOUT_REPOSITORY, envOf, findContainer, isWorkload } from "../lib/k8s";

interface Config {
  allowedDefaultRoles: string[];
}

const configSchema: PolicyConfigSchema = {
  properties: {
    allowedDefaultRoles: {
      type: "array",
      items: { type: "string" },
      default: ["denied", "status-only"],
      description: "Roles an anonymous visitor may get; anything else exposes CGM data or writes.",
    },
  },
};

export const nightscoutDefaultRolesPrivate: ResourceValidationPolicy = {
  name: "nightscout-default-roles-private",
  description:
    "Nightscout's AUTH_DEFAULT_ROLES keeps CGM data private (the default, readable, makes it public).",
  enforcementLevel: "advisory",
  configSchema,
  validateResource: (args, reportViolation) => {
    if (!isWorkload(args.type)) args.notApplicable("Policy only applies to workloads");
    const found = findContainer(args.type, args.props, NIGHTSCOUT_REPOSITORY);
    if (!found) return args.notApplicable("The workload does not run Nightscout");
    const { allowedDefaultRoles } = configOf<Config>(args, configSchema);
    const entry = envOf(found.ref.container).get("AUTH_DEFAULT_ROLES");
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
};
