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

/** The namespaces of the cluster's parts that the stack's own network policies must let in. */
export interface NamespacesModel {
  namespace: string;
  operatorNamespace: string;
  ingressNamespace: string;
  /** Undefined when monitoring is off: no Prometheus to cut off. */
  monitoringNamespace?: string;
}

/**
 * Fact 35: the stack's default-deny admits the operator, the ingress controller and Prometheus
 * from their own namespaces. Put in one of those, it cuts off the part that lives there: the
 * operator (and with it every CNPG cluster it manages), every ingress in the cluster, or the
 * scrapes, so the alerts page forever. Each name is valid alone and wrong only next to another.
 */
export const namespacesDistinct = rule({
  id: "namespaces-distinct",
  fact: 35,
  onSettings: true,
  summary:
    "The stack's namespace is none of the CloudNative-PG operator's, the ingress controller's or Prometheus's.",
  check(model: NamespacesModel, words) {
    const others = [
      {
        field: "operatorNamespace",
        part: "the CloudNative-PG operator",
        lost: "it and every cluster it manages",
      },
      {
        field: "ingressNamespace",
        part: "the ingress controller",
        lost: "every ingress in the cluster",
      },
      {
        field: "monitoringNamespace",
        part: "Prometheus",
        lost: "the scrapes, so the stack's alerts would fire forever",
      },
    ] as const;
    return others
      .filter(({ field }) => model[field] !== undefined && model[field] === model.namespace)
      .map(({ field, part, lost }) => ({
        field: "namespace" as const,
        value: model.namespace,
        kind: field,
        why: `is also ${words.name(field)}, where ${part} runs; the stack's default-deny NetworkPolicy would cut off ${lost}`,
        fix: fixWithAlternative(
          words.set("namespace", "nightscout"),
          words.set(field, `<the namespace ${part} runs in>`),
          "or, if it runs elsewhere,",
        ),
      }));
  },
});
