import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { configOf } from "../lib/config";
import {
  FERRETDB_REPOSITORY,
  LONG_RUNNING_TYPES,
  NIGHTSCOUT_REPOSITORY,
  asObj,
  containersOf,
  describeContainer,
  imageOf,
  isWorkload,
  podTemplateOf,
  repositoryIs,
} from "../lib/k8s";
import { runChecks } from "../lib/unknowns";

interface Config {
  requireStartupProbeFor: string[];
}

const configSchema: PolicyConfigSchema = {
  properties: {
    requireStartupProbeFor: {
      type: "array",
      items: { type: "string" },
      default: [FERRETDB_REPOSITORY, NIGHTSCOUT_REPOSITORY],
      description:
        "Image repositories (matched by suffix) that also need a startupProbe: both wait for the database at boot.",
    },
  },
};

const HANDLERS = ["httpGet", "tcpSocket", "exec", "grpc"];

export const probesPresent: ResourceValidationPolicy = {
  name: "probes-present",
  description:
    "Long-running containers have readiness and liveness probes (and a startupProbe where boot waits on the database).",
  enforcementLevel: "mandatory",
  configSchema,
  validateResource: (args, reportViolation) => {
    if (!isWorkload(args.type)) args.notApplicable("Policy only applies to workloads");
    // Run-to-completion pods (Jobs, CronJobs, bare Pods) are not probed for readiness.
    if (!LONG_RUNNING_TYPES.includes(args.type)) args.notApplicable("Run-to-completion workload");
    const config = configOf<Config>(args, configSchema);
    const template = podTemplateOf(args.type, args.props);
    if (!template) return;

    runChecks(
      containersOf(template.spec)
        .filter((ref) => ref.kind !== "initContainer")
        .map((ref) => () => {
          const what = describeContainer(ref);
          const needStartup = config.requireStartupProbeFor.some((repo) =>
            repositoryIs(imageOf(ref.container), repo),
          );
          const wanted = [
            "readinessProbe",
            "livenessProbe",
            ...(needStartup ? ["startupProbe"] : []),
          ];
          for (const probeName of wanted) {
            const probe = asObj(ref.container[probeName]);
            if (!probe) {
              reportViolation(`${what} has no ${probeName}.`);
            } else if (!HANDLERS.some((h) => probe[h] !== undefined)) {
              reportViolation(
                `${what} has a ${probeName} without a handler (httpGet, tcpSocket, exec or grpc).`,
              );
            }
          }
        }),
    );
  },
};
