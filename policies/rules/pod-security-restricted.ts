import { on, resourcePolicy, stringList } from "../lib/define";
import { asArr, asObj, asStr } from "../lib/k8s";
import { checkEachContainer } from "../lib/workloads";

const settings = {
  requireRunAsUser: on`runAsNonRoot also needs a numeric runAsUser: the kubelet refuses to start an image whose USER is a name (Nightscout's \`node\`).`,
  exemptContainers: stringList([], "Container names exempt from this policy."),
};

const SECCOMP_TYPES = ["RuntimeDefault", "Localhost"];

export const podSecurityRestricted = resourcePolicy(
  { name: "pod-security-restricted", enforcementLevel: "mandatory", settings },
  "Pods meet the Kubernetes 'restricted' Pod Security Standard: non-root, no privilege escalation, all capabilities dropped, RuntimeDefault seccomp.",
  (args, reportViolation, config) => {
    checkEachContainer(args, ({ name, what, container, podSpec }) => {
      if (config.exemptContainers.includes(name)) return;
      const pod = asObj(podSpec["securityContext"]) ?? {};
      const sc = asObj(container["securityContext"]) ?? {};
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
        reportViolation(`${what} does not set securityContext.allowPrivilegeEscalation: false.`);
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
    });
  },
);
