import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { configOf } from "../lib/config";
import {
  TYPES,
  asObj,
  at,
  containersOf,
  describeContainer,
  isWorkload,
  podTemplateOf,
  type Obj,
} from "../lib/k8s";
import { parseQuantity } from "../../domain";
import { runChecks } from "../lib/unknowns";

interface Config {
  requireMemoryLimit: boolean;
  requireCpuLimit: boolean;
  requireClusterMemoryLimit: boolean;
}

const configSchema: PolicyConfigSchema = {
  properties: {
    requireMemoryLimit: {
      type: "boolean",
      default: true,
      description: "Workload containers set limits.memory (an unbounded leak takes the node down).",
    },
    requireCpuLimit: {
      type: "boolean",
      default: false,
      description: "Workload containers set limits.cpu (off by default: CPU limits throttle).",
    },
    requireClusterMemoryLimit: {
      type: "boolean",
      default: false,
      description:
        "CNPG Clusters set resources.limits.memory (off by default: the production homelab runs PostgreSQL without limits).",
    },
  },
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

  for (const kind of ["cpu", "memory"]) {
    for (const [section, value] of [
      ["requests", requests[kind]],
      ["limits", limits[kind]],
    ] as const) {
      if (value !== undefined && parseQuantity(value) === undefined) {
        report(`${what} has an invalid ${section}.${kind} quantity "${String(value)}".`);
      }
    }
    const request = parseQuantity(requests[kind]);
    const limit = parseQuantity(limits[kind]);
    if (request !== undefined && limit !== undefined && limit < request) {
      report(
        `${what} has limits.${kind} (${String(limits[kind])}) below requests.${kind} (${String(requests[kind])}); the API server rejects that.`,
      );
    }
  }
}

export const containerResources: ResourceValidationPolicy = {
  name: "container-resources",
  description:
    "Containers request CPU and memory and limit memory; CNPG Clusters request CPU and memory.",
  enforcementLevel: "mandatory",
  configSchema,
  validateResource: (args, reportViolation) => {
    const config = configOf<Config>(args, configSchema);
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
    if (!isWorkload(args.type))
      args.notApplicable("Policy only applies to workloads and CNPG Clusters");
    const template = podTemplateOf(args.type, args.props);
    if (!template) return;
    runChecks(
      containersOf(template.spec).map((ref) => () => {
        const what = describeContainer(ref).replace(/^./, (c) => c.toUpperCase());
        checkResources(
          what,
          asObj(ref.container["resources"]),
          config.requireMemoryLimit,
          config.requireCpuLimit,
          reportViolation,
        );
      }),
    );
  },
};
