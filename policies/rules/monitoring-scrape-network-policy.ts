import type { PolicyResource } from "@pulumi/policy";
import { CNPG_METRICS_PORT, CNPG_METRICS_PORT_NAME } from "../../domain/alerts";
import { stackPolicy } from "../lib/define";
import {
  TYPES,
  WORKLOAD_TYPES,
  asArr,
  asObj,
  asStr,
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

const POD_MONITOR = "kubernetes:monitoring.coreos.com/v1:PodMonitor";

/** Pods a PodMonitor may select, with their labels and named ports. */
interface ScrapedPods {
  what: string;
  namespace: string;
  labels: Record<string, string>;
  /** A Map, not an object: a port named `constructor` must not find Object's. */
  ports: Map<string, number>;
}

function podsOf(r: PolicyResource): ScrapedPods | undefined {
  const namespace = namespaceOf(r.props);
  if (r.type === TYPES.cluster) {
    const name = nameOf(r.props) ?? r.name;
    return {
      what: `Cluster "${name}"`,
      namespace,
      labels: { "cnpg.io/cluster": name, "cnpg.io/podRole": "instance" },
      // The operator names the instance manager's metrics port.
      ports: new Map([[CNPG_METRICS_PORT_NAME, CNPG_METRICS_PORT]]),
    };
  }
  if (!WORKLOAD_TYPES.includes(r.type)) return undefined;
  const template = podTemplateOf(r.type, r.props);
  const ports = new Map<string, number>();
  for (const c of asArr(at(template?.spec, "containers"))) {
    for (const p of asArr(at(c, "ports"))) {
      const port = asObj(p) ?? {};
      const name = asStr(port["name"]);
      if (name && typeof port["containerPort"] === "number") ports.set(name, port["containerPort"]);
    }
  }
  return {
    what: `${r.type.split(":").pop()} "${nameOf(r.props) ?? r.name}"`,
    namespace,
    labels: stringMap(template?.metadata?.["labels"]),
    ports,
  };
}

/** A peer that admits pods of some namespaces, not of every namespace. */
function isNamespacePeer(peer: Obj): boolean {
  return peer["namespaceSelector"] !== undefined && !selectsAll(peer["namespaceSelector"]);
}

/** Whether `rule` lets a namespace-selected peer in on `port` (by number or name). */
function admitsScraper(rule: Obj, port: number, portName: string): boolean {
  const peers = asArr(rule["from"]).map((p) => asObj(p) ?? {});
  if (!peers.some(isNamespacePeer)) return false;
  const ports = asArr(rule["ports"]).map((p) => asObj(p) ?? {});
  return ports.length === 0 || ports.some((p) => p["port"] === port || p["port"] === portName);
}

export const monitoringScrapeNetworkPolicy = stackPolicy(
  { name: "monitoring-scrape-network-policy", enforcementLevel: "mandatory" },
  "Every port a PodMonitor scrapes is opened by a NetworkPolicy to the monitoring namespace (and not to every namespace); behind the default-deny policy, Prometheus otherwise scrapes nothing and every alert stays silent.",
  (args, reportViolation) => {
    const monitors = args.resources.filter((r) => r.type === POD_MONITOR);
    if (monitors.length === 0) args.notApplicable("The stack has no PodMonitor");
    const pods = args.resources.map(podsOf).filter((p): p is ScrapedPods => p !== undefined);
    const policies = args.resources.filter((r) => r.type === TYPES.networkPolicy);

    runChecks(
      monitors.map((monitor) => () => {
        const namespace = namespaceOf(monitor.props);
        const what = `PodMonitor "${nameOf(monitor.props) ?? monitor.name}"`;
        const selector = at(monitor.props, "spec", "selector");
        const selected = pods.filter(
          (p) => p.namespace === namespace && selectorMatches(selector, p.labels),
        );
        if (selected.length === 0) {
          reportViolation(`${what} selects no workload of the stack in ${namespace}.`, monitor.urn);
        }
        const endpoints = asArr(at(monitor.props, "spec", "podMetricsEndpoints"));
        for (const target of selected) {
          const ingress = policies
            .filter(
              (p) =>
                namespaceOf(p.props) === namespace &&
                selectorMatches(at(p.props, "spec", "podSelector"), target.labels) &&
                policyTypesOf(at(p.props, "spec")).includes("Ingress"),
            )
            .flatMap((p) => asArr(at(p.props, "spec", "ingress")).map((r) => asObj(r) ?? {}));
          for (const e of endpoints) {
            const portName = asStr(at(e, "port"));
            const port = portName === undefined ? undefined : target.ports.get(portName);
            if (port === undefined) {
              reportViolation(
                `${what} scrapes port "${portName ?? ""}", which ${target.what} does not name.`,
                monitor.urn,
              );
            } else if (!ingress.some((rule) => admitsScraper(rule, port, portName!))) {
              reportViolation(
                `${what}: no NetworkPolicy lets the monitoring namespace reach ${target.what} on port ${port} (${portName}); add an ingress rule from a namespaceSelector naming it.`,
                monitor.urn,
              );
            }
          }
        }
      }),
    );
  },
);
