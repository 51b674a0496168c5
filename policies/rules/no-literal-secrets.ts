import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { configOf } from "../lib/config";
import {
  TYPES,
  asArr,
  asObj,
  at,
  containersOf,
  describeContainer,
  envOf,
  isFromSecret,
  isWorkload,
  podTemplateOf,
} from "../lib/k8s";
import { runChecks } from "../lib/unknowns";
import { SENSITIVE_ENV_NAME_PATTERNS, hasCredentialUri } from "../../domain";

interface Config {
  sensitiveNamePatterns: string[];
}

const configSchema: PolicyConfigSchema = {
  properties: {
    sensitiveNamePatterns: {
      type: "array",
      items: { type: "string" },
      default: [...SENSITIVE_ENV_NAME_PATTERNS],
      description:
        "Case-insensitive regular expressions; an env var whose name matches must come from valueFrom.secretKeyRef.",
    },
  },
};

// Re-exported for the policy's spec, which tests the URI rule directly.
export { hasCredentialUri };

export const noLiteralSecrets: ResourceValidationPolicy = {
  name: "no-literal-secrets",
  description:
    "Secrets (sensitive env names, URIs with user:password@) reach containers through secretKeyRef, never as literals.",
  enforcementLevel: "mandatory",
  configSchema,
  validateResource: (args, reportViolation) => {
    const config = configOf<Config>(args, configSchema);
    const patterns = config.sensitiveNamePatterns.map((p) => new RegExp(p, "i"));

    if (args.type === TYPES.configMap) {
      runChecks(
        Object.entries(asObj(at(args.props, "data")) ?? {}).map(([key, value]) => () => {
          if (typeof value === "string" && hasCredentialUri(value)) {
            reportViolation(
              `ConfigMap key "${key}" holds a URI with a password; put it in a Secret.`,
            );
          }
        }),
      );
      return;
    }
    if (!isWorkload(args.type))
      args.notApplicable("Policy only applies to workloads and ConfigMaps");
    const template = podTemplateOf(args.type, args.props);
    if (!template) return;

    runChecks(
      containersOf(template.spec).map((ref) => () => {
        const what = describeContainer(ref);
        for (const entry of envOf(ref.container).values()) {
          if (patterns.some((p) => p.test(entry.name)) && !isFromSecret(entry)) {
            reportViolation(
              `${what}: env ${entry.name} looks sensitive but is not taken from a Secret (valueFrom.secretKeyRef with name and key).`,
            );
          } else if (entry.value !== undefined && hasCredentialUri(entry.value)) {
            reportViolation(
              `${what}: env ${entry.name} is a literal URI with a password; deliver it with valueFrom.secretKeyRef.`,
            );
          }
        }
        for (const field of ["command", "args"]) {
          for (const arg of asArr(ref.container[field])) {
            if (typeof arg === "string" && hasCredentialUri(arg)) {
              reportViolation(
                `${what}: ${field} contains a URI with a password; read it from a Secret-backed env var.`,
              );
            }
          }
        }
      }),
    );
  },
};
