import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

export interface ResourceRequests {
  cpuRequest: string;
  memoryRequest: string;
  memoryLimit: string;
}

/** A set of pods one component lets another reach: who they are, on which port. */
export interface PodEndpoint {
  podSelector: pulumi.Input<Record<string, pulumi.Input<string>>>;
  port: number;
}

/** NetworkPolicy port entries for TCP ports. */
export function tcpPorts(...ports: number[]) {
  return ports.map((port) => ({ protocol: "TCP", port }));
}

/** A NetworkPolicy peer: every pod of one namespace. */
export function inNamespace(name: pulumi.Input<string>) {
  return { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": name } } };
}

/** An egress rule that lets pods reach `endpoint`. */
export function egressTo(endpoint: PodEndpoint) {
  return {
    to: [{ podSelector: { matchLabels: endpoint.podSelector } }],
    ports: tcpPorts(endpoint.port),
  };
}

export function containerResources(
  r: ResourceRequests,
): k8s.types.input.core.v1.ResourceRequirements {
  return {
    requests: { cpu: r.cpuRequest, memory: r.memoryRequest },
    limits: { memory: r.memoryLimit },
  };
}

/** The restricted Pod Security profile for containers whose image runs as a non-root user. */
export function restrictedContainerSecurity(
  readOnlyRootFilesystem: boolean,
): k8s.types.input.core.v1.SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem,
    runAsNonRoot: true,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
  };
}

export function restrictedPodSecurity(uid: number): k8s.types.input.core.v1.PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: uid,
    fsGroup: uid,
    seccompProfile: { type: "RuntimeDefault" },
  };
}

/** Validation helper for component args: names the field, the value and the fix. */
export function invalidArg(component: string, field: string, value: unknown, fix: string): Error {
  return new Error(`${component}: args.${field} = ${JSON.stringify(value)} is invalid. ${fix}`);
}
