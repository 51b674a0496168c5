/**
 * Types that appear in more than one component's Args or outputs. Only types: the helpers
 * that build specs live in network-policy.ts, workload.ts and arg-validation.ts.
 */
import * as pulumi from "@pulumi/pulumi";

/** A container's CPU and memory requests and its memory limit, as Kubernetes quantities. */
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
