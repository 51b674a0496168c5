import { off, on, resourcePolicy } from "../lib/define";
import { TYPES, asObj, at, type Obj } from "../lib/k8s";
import { checkEachContainer } from "../lib/workloads";
import { limitNotBelowRequest, parseQuantity } from "../../domain";
import { enforceOnObject } from "../lib/catalogue";

const settings = {
  requireMemoryLimit: on`Workload containers set limits.memory (an unbounded leak takes the node down).`,
  requireCpuLimit: off`Workload containers set limits.cpu (off by default: CPU limits throttle).`,
  requireClusterMemoryLimit: off`CNPG Clusters set resources.limits.memory (off by default: the production homelab runs PostgreSQL without limits).`,
};

function checkResources(
  what: string,
  resources: Obj | undefined,
  memoryLimitRequired: boolean,
  cpuLimitRequired: boolean,
  report: (message: string) => void,
): void {
  const requests = asObj(resources?.["requests"]) ?? {};
  const limits = asObj(resources?.["limits"]) ?? {};
  const missing: string[] = [];
  if (requests["cpu"] === undefined) missing.push("requests.cpu");
  if (requests["memory"] === undefined) missing.push("requests.memory");
  if (memoryLimitRequired && limits["memory"] === undefined) missing.push("limits.memory");
  if (cpuLimitRequired && limits["cpu"] === undefined) missing.push("limits.cpu");
  if (missing.length > 0) report(`${what} does not set resources ${missing.join(", ")}.`);

  for (const kind of ["cpu", "memory"] as const) {
    for (const [section, value] of [
      ["requests", requests[kind]],
      ["limits", limits[kind]],
    ] as const) {
      if (value !== undefined && parseQuantity(value) === undefined) {
        report(`${what} has an invalid ${section}.${kind} quantity "${String(value)}".`);
      }
    }
    const quantity = (v: unknown) => (v === undefined ? undefined : String(v));
    enforceOnObject(
      limitNotBelowRequest,
      { request: `requests.${kind}`, limit: `limits.${kind}` },
      { kind, request: quantity(requests[kind]), limit: quantity(limits[kind]) },
      {},
      (message) => report(`${what}: ${message}`),
    );
  }
}

export const containerResources = resourcePolicy(
  { name: "container-resources", enforcementLevel: "mandatory", settings },
  "Containers request CPU and memory and limit memory; CNPG Clusters request CPU and memory.",
  (args, reportViolation, config) => {
    if (args.type === TYPES.cluster) {
      checkResources(
        "The Cluster",
        asObj(at(args.props, "spec", "resources")),
        config.requireClusterMemoryLimit,
        false,
        reportViolation,
      );
      return;
    }
    checkEachContainer(
      args,
      ({ what, container }) =>
        checkResources(
          what.replace(/^./, (c) => c.toUpperCase()),
          asObj(container["resources"]),
          config.requireMemoryLimit,
          config.requireCpuLimit,
          reportViolation,
        ),
      "Policy only applies to workloads and CNPG Clusters",
    );
  },
);
