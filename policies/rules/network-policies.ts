import { CNPG_STATUS_PORT, POSTGRES_PORT, noSystemNamespace } from "../../domain";
import { enforceOnObject, limitSettings } from "../lib/catalogue";
import { on, stackPolicy } from "../lib/define";
import {
  TYPES,
  WORKLOAD_TYPES,
  asArr,
  asObj,
  at,
  nameOf,
  namespaceOf,
  podTemplateOf,
  selectorMatches,
  policyTypesOf,
  selectsAll,
  stringMap,
  type Obj,
} from "../lib/k8s";
import { runChecks } from "../lib/unknowns";

const settings = {
  ...limitSettings(noSystemNamespace, {
    allowSystemNamespace:
      "Allow a default-deny NetworkPolicy in a namespace the cluster's own workloads use (the stack's allowSystemNamespace).",
  }),
  requireDefaultDeny: on`Each namespace with workloads has a default-deny NetworkPolicy for both directions.`,
  requireIngressAllow: on`Each workload's pods are selected by a NetworkPolicy with ingress rules.`,
  requireEgressAllow: on`Each workload's pods are selected by a NetworkPolicy with egress rules (DNS at least).`,
};

/** The ports a CNPG instance must accept: clients, and the operator's status checks. */
const CNPG_PORTS: readonly { port: number; name: string }[] = [
  { port: POSTGRES_PORT, name: "postgresql" },
  { port: CNPG_STATUS_PORT, name: "status" },
];

interface Workload {
  what: string;
  urn: string;
  namespace: string;
  labels: Record<string, string>;
  requiredPorts: readonly { port: number; name: string }[];
}

interface NetPol {
  namespace: string;
  podSelector: unknown;
  policyTypes: string[];
  ingress: Obj[];
  egress: Obj[];
}

function isDefaultDeny(p: NetPol): boolean {
  return (
    selectsAll(p.podSelector) &&
    p.policyTypes.includes("Ingress") &&
    p.policyTypes.includes("Egress") &&
    p.ingress.length === 0 &&
    p.egress.length === 0
  );
}

/** A rule without ports allows every port. */
function allowsPort(rule: Obj, wanted: { port: number; name: string }): boolean {
  const ports = asArr(rule["ports"]).map((p) => asObj(p) ?? {});
  if (ports.length === 0) return true;
  return ports.some((p) => {
    const port = p["port"];
    if (port === undefined) return true;
    if (port === wanted.port || port === wanted.name) return true;
    const end = p["endPort"];
    return (
      typeof port === "number" &&
      typeof end === "number" &&
      port <= wanted.port &&
      wanted.port <= end
    );
  });
}

export const networkPolicies = stackPolicy(
  { name: "network-policies", enforcementLevel: "mandatory", settings },
  "Each namespace with workloads denies all traffic by default, and every workload's pods are selected by explicit allow policies.",
  (args, reportViolation, config) => {
    const workloads: Workload[] = [];
    const policies: NetPol[] = [];

    runChecks(
      args.resources.map((r) => () => {
        if (r.type === TYPES.networkPolicy) {
          const spec = asObj(at(r.props, "spec")) ?? {};
          policies.push({
            namespace: namespaceOf(r.props),
            podSelector: spec["podSelector"],
            policyTypes: policyTypesOf(spec),
            ingress: asArr(spec["ingress"]).map((x) => asObj(x) ?? {}),
            egress: asArr(spec["egress"]).map((x) => asObj(x) ?? {}),
          });
        } else if (r.type === TYPES.cluster) {
          const name = nameOf(r.props) ?? r.name;
          workloads.push({
            what: `Cluster "${name}"`,
            urn: r.urn,
            namespace: namespaceOf(r.props),
            // The operator labels every instance pod this way.
            labels: { "cnpg.io/cluster": name, "cnpg.io/podRole": "instance" },
            requiredPorts: CNPG_PORTS,
          });
        } else if (WORKLOAD_TYPES.includes(r.type)) {
          const template = podTemplateOf(r.type, r.props);
          workloads.push({
            what: `${r.type.split(":").pop()} "${nameOf(r.props) ?? r.name}"`,
            urn: r.urn,
            namespace: namespaceOf(r.props),
            labels: stringMap(template?.metadata?.["labels"]),
            requiredPorts: [],
          });
        }
      }),
    );
    if (workloads.length === 0) args.notApplicable("The stack has no workloads");

    for (const namespace of new Set(policies.filter(isDefaultDeny).map((p) => p.namespace))) {
      enforceOnObject(
        noSystemNamespace,
        {
          namespace: "the default-deny NetworkPolicy's metadata.namespace",
          allowSystemNamespace: "the pack's network-policies.allowSystemNamespace",
        },
        { namespace, allowSystemNamespace: config.allowSystemNamespace },
        config,
        reportViolation,
      );
    }

    if (config.requireDefaultDeny) {
      const namespaces = [...new Set(workloads.map((w) => w.namespace))].sort();
      for (const namespace of namespaces) {
        if (!policies.some((p) => p.namespace === namespace && isDefaultDeny(p))) {
          reportViolation(
            `Namespace "${namespace}" has no default-deny NetworkPolicy (podSelector: {}, policyTypes: [Ingress, Egress], no rules).`,
          );
        }
      }
    }

    for (const w of workloads) {
      const selecting = policies.filter(
        (p) => p.namespace === w.namespace && selectorMatches(p.podSelector, w.labels),
      );
      const ingressRules = selecting
        .filter((p) => p.policyTypes.includes("Ingress"))
        .flatMap((p) => p.ingress);
      const egressRules = selecting
        .filter((p) => p.policyTypes.includes("Egress"))
        .flatMap((p) => p.egress);
      if (config.requireIngressAllow && ingressRules.length === 0) {
        reportViolation(`${w.what} is selected by no NetworkPolicy that allows ingress.`, w.urn);
      } else if (config.requireIngressAllow) {
        for (const port of w.requiredPorts) {
          if (!ingressRules.some((rule) => allowsPort(rule, port))) {
            reportViolation(
              `${w.what}: no NetworkPolicy allows ingress to port ${port.port} (${port.name}).`,
              w.urn,
            );
          }
        }
      }
      if (config.requireEgressAllow && egressRules.length === 0) {
        reportViolation(
          `${w.what} is selected by no NetworkPolicy that allows egress (not even DNS).`,
          w.urn,
        );
      }
    }
  },
);
