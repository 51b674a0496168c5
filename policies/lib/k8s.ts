/**
 * Read-only accessors for Kubernetes-shaped resource properties. Props arrive as `unknown`
 * (and, under the engine, wrapped in a proxy that throws on values unknown during preview),
 * so every read goes through these narrowing helpers instead of `any`.
 */
import { parseImage } from "../../domain";

export type Obj = Record<string, unknown>;

export const TYPES = {
  namespace: "kubernetes:core/v1:Namespace",
  secret: "kubernetes:core/v1:Secret",
  configMap: "kubernetes:core/v1:ConfigMap",
  service: "kubernetes:core/v1:Service",
  pod: "kubernetes:core/v1:Pod",
  deployment: "kubernetes:apps/v1:Deployment",
  statefulSet: "kubernetes:apps/v1:StatefulSet",
  daemonSet: "kubernetes:apps/v1:DaemonSet",
  replicaSet: "kubernetes:apps/v1:ReplicaSet",
  job: "kubernetes:batch/v1:Job",
  cronJob: "kubernetes:batch/v1:CronJob",
  podDisruptionBudget: "kubernetes:policy/v1:PodDisruptionBudget",
  ingress: "kubernetes:networking.k8s.io/v1:Ingress",
  networkPolicy: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
  middleware: "kubernetes:traefik.io/v1alpha1:Middleware",
  cluster: "kubernetes:postgresql.cnpg.io/v1:Cluster",
  scheduledBackup: "kubernetes:postgresql.cnpg.io/v1:ScheduledBackup",
  objectStore: "kubernetes:barmancloud.cnpg.io/v1:ObjectStore",
} as const;

export function asObj(value: unknown): Obj | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Obj)
    : undefined;
}

export function asArr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/**
 * The directions a NetworkPolicy governs, as the API server defaults them: an empty or unset
 * `policyTypes` means Ingress, plus Egress when the policy has egress rules.
 */
export function policyTypesOf(spec: unknown): string[] {
  const given = asArr(at(spec, "policyTypes")).filter((t): t is string => typeof t === "string");
  if (asArr(at(spec, "policyTypes")).length > 0) return given;
  return asArr(at(spec, "egress")).length > 0 ? ["Ingress", "Egress"] : ["Ingress"];
}

export function asStr(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** Walks `path` through nested objects; undefined as soon as a step is missing. */
export function at(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) {
    const obj = asObj(current);
    if (!obj) return undefined;
    current = obj[key];
  }
  return current;
}

/** Kubernetes puts an object without a namespace into the provider's, usually `default`. */
export function namespaceOf(props: unknown): string {
  return asStr(at(props, "metadata", "namespace")) ?? "default";
}

export function nameOf(props: unknown): string | undefined {
  return asStr(at(props, "metadata", "name"));
}

export interface PodTemplate {
  metadata: Obj | undefined;
  spec: Obj;
}

/** Resource types that run pods, mapped to where their pod template lives. */
const POD_TEMPLATE_PATHS: Readonly<Record<string, readonly string[]>> = {
  [TYPES.pod]: [],
  [TYPES.deployment]: ["spec", "template"],
  [TYPES.statefulSet]: ["spec", "template"],
  [TYPES.daemonSet]: ["spec", "template"],
  [TYPES.replicaSet]: ["spec", "template"],
  [TYPES.job]: ["spec", "template"],
  [TYPES.cronJob]: ["spec", "jobTemplate", "spec", "template"],
};

export const WORKLOAD_TYPES: readonly string[] = Object.keys(POD_TEMPLATE_PATHS);

/** Types whose pods are expected to run until replaced (not run-to-completion). */
export const LONG_RUNNING_TYPES: readonly string[] = [
  TYPES.deployment,
  TYPES.statefulSet,
  TYPES.daemonSet,
  TYPES.replicaSet,
];

export function isWorkload(type: string): boolean {
  return Object.prototype.hasOwnProperty.call(POD_TEMPLATE_PATHS, type);
}

export function podTemplateOf(type: string, props: unknown): PodTemplate | undefined {
  const path = POD_TEMPLATE_PATHS[type];
  if (!path) return undefined;
  const template = asObj(at(props, ...path));
  const spec = asObj(template?.["spec"]);
  if (!spec) return undefined;
  return { metadata: asObj(template?.["metadata"]), spec };
}

export type ContainerKind = "container" | "initContainer" | "sidecar";

export interface ContainerRef {
  kind: ContainerKind;
  name: string;
  container: Obj;
}

/**
 * All containers of a pod spec. An init container with `restartPolicy: Always` is a native
 * sidecar: it runs for the pod's lifetime, so it is treated like a regular container.
 */
export function containersOf(podSpec: Obj): ContainerRef[] {
  const refs: ContainerRef[] = [];
  for (const c of asArr(podSpec["initContainers"])) {
    const container = asObj(c);
    if (!container) continue;
    const sidecar = container["restartPolicy"] === "Always";
    refs.push({
      kind: sidecar ? "sidecar" : "initContainer",
      name: asStr(container["name"]) ?? "(unnamed)",
      container,
    });
  }
  for (const c of asArr(podSpec["containers"])) {
    const container = asObj(c);
    if (!container) continue;
    refs.push({ kind: "container", name: asStr(container["name"]) ?? "(unnamed)", container });
  }
  return refs;
}

export function describeContainer(ref: ContainerRef): string {
  const label =
    ref.kind === "container" ? "container" : ref.kind === "sidecar" ? "sidecar" : "init container";
  return `${label} "${ref.name}"`;
}

export interface EnvEntry {
  name: string;
  value?: string;
  valueFrom?: Obj;
}

/** The container's `env` by name; the last entry wins, as in Kubernetes. */
export function envOf(container: Obj): Map<string, EnvEntry> {
  const env = new Map<string, EnvEntry>();
  for (const e of asArr(container["env"])) {
    const entry = asObj(e);
    const name = asStr(entry?.["name"]);
    if (!entry || !name) continue;
    env.set(name, {
      name,
      value: asStr(entry["value"]),
      valueFrom: asObj(entry["valueFrom"]),
    });
  }
  return env;
}

export function isFromSecret(entry: EnvEntry | undefined): boolean {
  const ref = asObj(entry?.valueFrom?.["secretKeyRef"]);
  return !!ref && !!asStr(ref["name"]) && !!asStr(ref["key"]);
}

/** `repository` is `wanted` or ends with `/<wanted>` (so registry prefixes don't matter). */
export function repositoryIs(image: string | undefined, wanted: string): boolean {
  if (!image) return false;
  const repository = parseImage(image).repository;
  return repository === wanted || repository.endsWith(`/${wanted}`);
}

export const FERRETDB_REPOSITORY = "ferretdb/ferretdb";
export const NIGHTSCOUT_REPOSITORY = "cgm-remote-monitor";
export const DOCUMENTDB_REPOSITORY = "ferretdb/postgres-documentdb";

export function imageOf(container: Obj): string | undefined {
  return asStr(container["image"]);
}

/** The first container of a workload whose image is from `repository`. */
export function findContainer(
  type: string,
  props: unknown,
  repository: string,
): { template: PodTemplate; ref: ContainerRef } | undefined {
  const template = podTemplateOf(type, props);
  if (!template) return undefined;
  for (const ref of containersOf(template.spec)) {
    if (repositoryIs(imageOf(ref.container), repository)) return { template, ref };
  }
  return undefined;
}

export function isDocumentDbCluster(type: string, props: unknown): boolean {
  return (
    type === TYPES.cluster &&
    repositoryIs(asStr(at(props, "spec", "imageName")), DOCUMENTDB_REPOSITORY)
  );
}

/** The Kubernetes label selector semantics (matchLabels AND matchExpressions). */
export function selectorMatches(
  selector: unknown,
  labels: Readonly<Record<string, string>>,
): boolean {
  const sel = asObj(selector);
  if (!sel) return true;
  const matchLabels = asObj(sel["matchLabels"]) ?? {};
  for (const [key, value] of Object.entries(matchLabels)) {
    if (labels[key] !== value) return false;
  }
  for (const e of asArr(sel["matchExpressions"])) {
    const expr = asObj(e);
    const key = asStr(expr?.["key"]);
    if (!expr || !key) return false;
    const values = asArr(expr["values"]).filter((v): v is string => typeof v === "string");
    const has = Object.prototype.hasOwnProperty.call(labels, key);
    switch (expr["operator"]) {
      case "In":
        if (!has || !values.includes(labels[key])) return false;
        break;
      case "NotIn":
        if (has && values.includes(labels[key])) return false;
        break;
      case "Exists":
        if (!has) return false;
        break;
      case "DoesNotExist":
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** A selector that selects every pod: absent, or without labels and expressions. */
export function selectsAll(selector: unknown): boolean {
  const sel = asObj(selector);
  if (!sel) return true;
  return (
    Object.keys(asObj(sel["matchLabels"]) ?? {}).length === 0 &&
    asArr(sel["matchExpressions"]).length === 0
  );
}

export function stringMap(value: unknown): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, v] of Object.entries(asObj(value) ?? {})) {
    if (typeof v === "string") result[key] = v;
  }
  return result;
}
