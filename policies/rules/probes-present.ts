import { resourcePolicy, stringList } from "../lib/define";
import {
  FERRETDB_REPOSITORY,
  LONG_RUNNING_TYPES,
  NIGHTSCOUT_REPOSITORY,
  asObj,
  imageOf,
  isWorkload,
  repositoryIs,
} from "../lib/k8s";
import { checkEachContainer } from "../lib/workloads";

const settings = {
  requireStartupProbeFor: stringList(
    [FERRETDB_REPOSITORY, NIGHTSCOUT_REPOSITORY],
    "Image repositories (matched by suffix) that also need a startupProbe: both wait for the database at boot.",
  ),
};

const HANDLERS = ["httpGet", "tcpSocket", "exec", "grpc"];

export const probesPresent = resourcePolicy(
  { name: "probes-present", enforcementLevel: "mandatory", settings },
  "Long-running containers have readiness and liveness probes (and a startupProbe where boot waits on the database).",
  (args, reportViolation, config) => {
    // Run-to-completion pods (Jobs, CronJobs, bare Pods) are not probed for readiness.
    if (isWorkload(args.type) && !LONG_RUNNING_TYPES.includes(args.type)) {
      args.notApplicable("Run-to-completion workload");
    }
    checkEachContainer(args, ({ kind, what, container }) => {
      // Init containers finish before the pod is ready; native sidecars run alongside it.
      if (kind === "initContainer") return;
      const needStartup = config.requireStartupProbeFor.some((repo) =>
        repositoryIs(imageOf(container), repo),
      );
      const wanted = ["readinessProbe", "livenessProbe", ...(needStartup ? ["startupProbe"] : [])];
      for (const probeName of wanted) {
        const probe = asObj(container[probeName]);
        if (!probe) {
          reportViolation(`${what} has no ${probeName}.`);
        } else if (!HANDLERS.some((h) => probe[h] !== undefined)) {
          reportViolation(
            `${what} has a ${probeName} without a handler (httpGet, tcpSocket, exec or grpc).`,
          );
        }
      }
    });
  },
);
