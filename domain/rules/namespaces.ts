import { SYSTEM_NAMESPACES } from "../names";
import { fixWithAlternative, rule } from "./rule";

/**
 * Fact 35: the stack puts a default-deny NetworkPolicy in its namespace; in a namespace the
 * cluster's own workloads use, it would cut off CoreDNS or the ingress controller.
 */
export const noSystemNamespace = rule({
  id: "no-system-namespace",
  fact: 35,
  onSettings: true,
  policy: "network-policies",
  summary: `No default-deny NetworkPolicy in a namespace the cluster's own workloads use (${SYSTEM_NAMESPACES.join(", ")}) unless allowed.`,
  // The pack's default; each stack's settings say it for themselves.
  limits: {
    production: { allowSystemNamespace: false as boolean },
    staging: { allowSystemNamespace: false as boolean },
  },
  check(model: { namespace: string; allowSystemNamespace: boolean }, words) {
    if (!SYSTEM_NAMESPACES.includes(model.namespace) || model.allowSystemNamespace) return [];
    return [
      {
        field: "namespace" as const,
        value: model.namespace,
        why: "is a namespace the cluster's own workloads use; the stack's default-deny NetworkPolicy would cut them off",
        fix: fixWithAlternative(
          words.set("namespace", "nightscout"),
          words.set("allowSystemNamespace", "true"),
          "or, knowing the risk,",
        ),
      },
    ];
  },
});
