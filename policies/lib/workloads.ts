/**
 * The prologue of every rule about the containers of the workload being validated: not
 * applicable to anything else, then each container (init, sidecar, regular) on its own.
 */
import type { ResourceValidationArgs } from "@pulumi/policy";
import {
  containersOf,
  describeContainer,
  findContainer,
  isWorkload,
  podTemplateOf,
  type ContainerRef,
  type Obj,
} from "./k8s";
import { runChecks } from "./unknowns";

const WORKLOADS_ONLY = "Policy only applies to workloads";

export interface WorkloadContainer extends ContainerRef {
  /** How violations name it, e.g. `init container "migrate"`. */
  what: string;
  /** The pod spec it runs in, for settings a container inherits from its pod. */
  podSpec: Obj;
}

/**
 * Runs `check` on each container of the workload being validated. Each runs on its own, so a
 * value unknown during preview in one container neither hides what the others can prove nor
 * passes silently. Anything but a workload is not applicable, with `notApplicableReason`.
 */
export function checkEachContainer(
  args: ResourceValidationArgs,
  check: (container: WorkloadContainer) => void,
  notApplicableReason = WORKLOADS_ONLY,
): void {
  if (!isWorkload(args.type)) args.notApplicable(notApplicableReason);
  const template = podTemplateOf(args.type, args.props);
  if (!template) return;
  runChecks(
    containersOf(template.spec).map((ref) => () => {
      check({ ...ref, what: describeContainer(ref), podSpec: template.spec });
    }),
  );
}

/**
 * The first container of the workload being validated whose image is from `repository`
 * (`application` names it); any other resource is not applicable.
 */
export function applicationContainer(
  args: ResourceValidationArgs,
  repository: string,
  application: string,
): ContainerRef {
  if (!isWorkload(args.type)) args.notApplicable(WORKLOADS_ONLY);
  const found = findContainer(args.type, args.props, repository);
  if (!found) return args.notApplicable(`The workload does not run ${application}`);
  return found.ref;
}
