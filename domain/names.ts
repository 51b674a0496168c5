/** Names Kubernetes and DNS accept (RFC 1123), and the namespaces a stack must not take over. */
import { isIP } from "node:net";

/** An RFC 1123 label: namespaces, cluster names, one part of a hostname. */
export const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
/** An RFC 1123 subdomain: most Kubernetes object names (Secrets, IngressClasses, ...). */
export const DNS_SUBDOMAIN = /^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/;
/** DNS caps a whole name at 253 characters. */
const MAX_HOSTNAME_LENGTH = 253;

/** Why `hostname` cannot be the public name of the Ingress, or undefined when it can. */
export function hostnameProblem(hostname: string): string | undefined {
  if (isIP(hostname)) return "is an IP address; an Ingress host must be a DNS name";
  if (
    hostname.length > MAX_HOSTNAME_LENGTH ||
    !hostname.includes(".") ||
    !hostname.split(".").every((label) => DNS_LABEL.test(label))
  ) {
    return "is not a fully qualified DNS name (lowercase labels separated by dots, no scheme or path)";
  }
  // A name whose last label is all digits is an IPv4 address in disguise to most resolvers.
  if (/^\d+$/.test(hostname.split(".").pop()!)) {
    return "ends in a numeric label, which DNS resolvers read as an IP address";
  }
  return undefined;
}

/**
 * Namespaces shared with the cluster's own workloads. The stack puts a default-deny
 * NetworkPolicy in its namespace, which would cut off CoreDNS or the ingress controller there.
 */
export const SYSTEM_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease"];

/**
 * CNPG derives names such as `<cluster>-rw` and `<cluster>-1-initdb-xxxxx` from the cluster's
 * name; 50 characters leave room for them inside a 63-character label.
 */
export const MAX_CLUSTER_NAME_LENGTH = 50;

/**
 * What a stack is for. Production holds a family's history: at least three instances, a
 * protected database, backups. Staging may be torn down at will.
 */
export const ENVIRONMENTS = ["production", "staging"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];
/** CNPG's own floor: a Cluster of no instances holds no data (its default is 1). */
export const MIN_INSTANCES = 1;
/** Two replicas survive the loss of the primary and one more failure during its replacement. */
export const PRODUCTION_MIN_INSTANCES = 3;

/** Secrets CloudNative-PG writes for a Cluster, each named `<cluster>-<suffix>`. */
export const CNPG_CLUSTER_SECRET_SUFFIXES = ["app", "superuser", "ca", "server", "replication"];
/** Secrets the stack writes next to its Cluster, each named `<cluster>-<suffix>`. */
export const STACK_CLUSTER_SECRET_SUFFIXES = ["app-credentials", "backup-s3", "restore-s3"];
