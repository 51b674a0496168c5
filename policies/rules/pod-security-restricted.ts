import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { configOf } from "../lib/config";
import {
  asArr,
  asObj,
  asStr,
  containersOf,
  describeContainer,
  isWorkload,
  podTemplateOf,
} from "../lib/k8s";
import { runChecks } from "../lib/unknowns";

interface Config {
  requireRunAsUser: boolean;
  exemptContainers: string[];
}

const configSchema: PolicyConfigSchema = {
  properties: {
    requireRunAsUser: {
      type: "boolean",
      default: true,
      description:
        "runAsNonRoot also needs a numeric runAsUser: the kubelet refuses to start an image whose USER is a name (Nightscout's `node`).",
    },
    exemptContainers: {
      type: "array",
      items: { type: "string" },
      default: [],
      description: "Container names exempt from this policy.",
    },
  },
};

const SECCOMP_TYPES = ["RuntimeDefault", "Localhost"];

export const podSecurityRestricted: ResourceValidationPolicy = {
  name: "pod-security-restricted",
  description:
    "Pods meet the Kubernetes 'restricted' Pod Security Standard: non-root, no privilege escalation, all capabilities dropped, RuntimeDefault seccomp.",
  enforcementLevel: "mandatory",
  configSchema,
  validateResource: (args, reportViolation) => {
    if (!isWorkload(args.type)) args.notApplicable("Policy only applies to workloads");
    const config = configOf<Config>(args, configSchema);
    const template = podTemplateOf(args.type, args.props);
    if (!template) return;
    const pod = asObj(template.spec["securityContext"]) ?? {};

    runChecks(
      containersOf(template.spec)
        .filter((ref) => !config.exemptContainers.includes(ref.name))
        .map((ref) => () => {
          const what = describeContainer(ref);
          const sc = asObj(ref.container["securityContext"]) ?? {};
          // Container settings override the pod's, as the kubelet applies them.
          const effective = (key: string): unknown => (sc[key] !== undefined ? sc[key] : pod[key]);

          if (sc["privileged"] === true) reportViolation(`${what} is privileged.`);
          if (effective("runAsNonRoot") !== true) {
            reportViolation(
              `${what} does not set runAsNonRoot: true (container or pod securityContext).`,
            );
          }
          const runAsUser = effective("runAsUser");
          if (runAsUser === 0) {
            reportViolation(`${what} runs as UID 0.`);
          } else if (config.requireRunAsUser && typeof runAsUser !== "number") {
            reportViolation(
              `${what} sets no numeric runAsUser: the kubelet cannot verify runAsNonRoot for an image whose USER is a name.`,
            );
          }
          if (sc["allowPrivilegeEscalation"] !== false) {
            reportViolation(
              `${what} does not set securityContext.allowPrivilegeEscalation: false.`,
            );
          }
          const drop = asArr(asObj(sc["capabilities"])?.["drop"]);
          if (!drop.includes("ALL")) {
            reportViolation(
              `${what} does not drop all capabilities (securityContext.capabilities.drop: [ALL]).`,
            );
          }
          const added = asArr(asObj(sc["capabilities"])?.["add"]).filter(
            (c) => c !== "NET_BIND_SERVICE",
          );
          if (added.length > 0) {
            reportViolation(
              `${what} adds capabilities ${added.join(", ")}; only NET_BIND_SERVICE is allowed.`,
            );
          }
          const seccomp = asStr(asObj(effective("seccompProfile"))?.["type"]);
          if (!seccomp || !SECCOMP_TYPES.includes(seccomp)) {
            reportViolation(
              `${what} has no seccompProfile of type RuntimeDefault or Localhost (container or pod securityContext).`,
            );
          }
        }),
    );
  },
};
