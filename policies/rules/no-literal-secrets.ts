import { resourcePolicy, stringList } from "../lib/define";
import { TYPES, asArr, asObj, at, envOf, isFromSecret } from "../lib/k8s";
import { runChecks } from "../lib/unknowns";
import { checkEachContainer } from "../lib/workloads";
import { SENSITIVE_ENV_NAME_PATTERNS, hasCredentialUri } from "../../domain";

const settings = {
  sensitiveNamePatterns: stringList(
    [...SENSITIVE_ENV_NAME_PATTERNS],
    "Case-insensitive regular expressions; an env var whose name matches must come from valueFrom.secretKeyRef.",
  ),
};

// Re-exported for the policy's spec, which tests the URI rule directly.
export { hasCredentialUri };

export const noLiteralSecrets = resourcePolicy(
  { name: "no-literal-secrets", enforcementLevel: "mandatory", settings },
  "Secrets (sensitive env names, URIs with user:password@) reach containers through secretKeyRef, never as literals.",
  (args, reportViolation, config) => {
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
    checkEachContainer(
      args,
      ({ what, container }) => {
        for (const entry of envOf(container).values()) {
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
          for (const arg of asArr(container[field])) {
            if (typeof arg === "string" && hasCredentialUri(arg)) {
              reportViolation(
                `${what}: ${field} contains a URI with a password; read it from a Secret-backed env var.`,
              );
            }
          }
        }
      },
      "Policy only applies to workloads and ConfigMaps",
    );
  },
);
