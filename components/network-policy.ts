/**
 * NetworkPolicies of the stack (fact 35). The namespace denies all traffic both ways; each
 * workload then gets one policy that lists the only traffic its pods may send and receive.
 * Every policy is built by `networkPolicyArgs`; the rule helpers below keep the lists short
 * enough to read as the arrows of the README's diagram.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { PodEndpoint } from "./types";

type Peer = k8s.types.input.networking.v1.NetworkPolicyPeer;
type IngressRule = k8s.types.input.networking.v1.NetworkPolicyIngressRule;
type EgressRule = k8s.types.input.networking.v1.NetworkPolicyEgressRule;

/** HTTPS: object stores, internet services, and the Kubernetes API behind its Service. */
export const HTTPS_PORT = 443;
/**
 * The kube-apiserver's own port. A pod reaches the API through the `kubernetes` Service on
 * 443, but NetworkPolicies see the destination after it is rewritten to the endpoint, which
 * on most clusters listens on 6443.
 */
export const KUBE_APISERVER_PORT = 6443;

/** Every address, inside the cluster or out: for traffic to services with no fixed IPs. */
export const ANYWHERE: Peer = { ipBlock: { cidr: "0.0.0.0/0" } };

/** NetworkPolicy port entries for TCP ports. */
export function tcpPorts(...ports: number[]) {
  return ports.map((port) => ({ protocol: "TCP", port }));
}

/** A NetworkPolicy peer: every pod of one namespace. */
export function inNamespace(name: pulumi.Input<string>): Peer {
  return { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": name } } };
}

/** A NetworkPolicy peer: the pods of this namespace that carry all of `labels`. */
export function podsLabelled(labels: PodEndpoint["podSelector"]): Peer {
  return { podSelector: { matchLabels: labels } };
}

/** An ingress rule: `peers` may connect to these TCP ports. */
export function allowFrom(peers: Peer[], ...ports: number[]): IngressRule {
  return { from: peers, ports: tcpPorts(...ports) };
}

/** An egress rule: the pods may connect to `peers` on these TCP ports. */
export function allowTo(peers: Peer[], ...ports: number[]): EgressRule {
  return { to: peers, ports: tcpPorts(...ports) };
}

/** An egress rule that lets pods reach `endpoint`. */
export function egressTo(endpoint: PodEndpoint): EgressRule {
  return allowTo([podsLabelled(endpoint.podSelector)], endpoint.port);
}

/**
 * How a server admits its clients: a label it names after itself, which a client's pods must
 * carry. The server's policy lets in pods with the label, and the client's Deployment adds it
 * to its pod template from the server's `clientLabels` output, so neither spells the other's
 * labels.
 */
export function clientAccess(serverName: string) {
  const clientLabels = { [`nightscout.dev/${serverName}-client`]: "true" };
  return { clientLabels, clients: podsLabelled(clientLabels) };
}

export interface NetworkPolicySpec {
  /** The policy object's namespace, name and labels (none when unset). */
  metadata: {
    namespace: pulumi.Input<string>;
    name: pulumi.Input<string>;
    labels?: Record<string, string>;
  };
  /** Labels that select the pods it restricts; every pod of the namespace when unset. */
  podLabels?: PodEndpoint["podSelector"];
  /** The only connections the pods accept; [] accepts none. Unset leaves ingress alone. */
  ingress?: IngressRule[];
  /** The only connections the pods open; [] opens none. Unset leaves egress alone. */
  egress?: EgressRule[];
}

/**
 * Every NetworkPolicy of the stack: the directions it restricts are the ones given rules, and
 * an empty list of rules denies that direction. Policies add up, so a direction left unset
 * stays as the other policies on the same pods make it.
 */
export function networkPolicyArgs(args: NetworkPolicySpec): k8s.networking.v1.NetworkPolicyArgs {
  const { ingress, egress } = args;
  const policyTypes = [...(ingress ? ["Ingress"] : []), ...(egress ? ["Egress"] : [])];
  return {
    metadata: args.metadata,
    spec: {
      podSelector: args.podLabels ? { matchLabels: args.podLabels } : {},
      policyTypes,
      // To Kubernetes no rules and an empty list are the same; leaving the key out keeps it short.
      ...(ingress?.length ? { ingress } : {}),
      ...(egress?.length ? { egress } : {}),
    },
  };
}

/** Registers a NetworkPolicy built by `networkPolicyArgs`. */
export function networkPolicy(
  name: string,
  args: NetworkPolicySpec,
  opts: pulumi.CustomResourceOptions,
): k8s.networking.v1.NetworkPolicy {
  return new k8s.networking.v1.NetworkPolicy(name, networkPolicyArgs(args), opts);
}
