/**
 * What platform/ changes in the upstream objects before installing them, each a pure function
 * with a test: the namespace, the containers' resources, and the plugin's images.
 */
import type { KubernetesObject } from "./manifests";

/** A container's requests and memory limit (no CPU limit: it throttles without need). */
export interface ContainerResources {
  cpuRequest: string;
  memoryRequest: string;
  memoryLimit: string;
}

type Obj = Record<string, unknown>;
const asObj = (v: unknown): Obj | undefined =>
  v && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : undefined;
const asArr = (v: unknown): Obj[] => (Array.isArray(v) ? (v as Obj[]) : []);

/**
 * The objects moved from namespace `from` to `to`: their own namespace, the Namespace itself,
 * RBAC subjects, webhook and conversion services, and certificate DNS names.
 */
export function moveNamespace(
  objects: KubernetesObject[],
  from: string,
  to: string,
): KubernetesObject[] {
  if (from === to) return objects;
  const service = (s: unknown) => {
    const svc = asObj(s);
    if (svc && svc.namespace === from) svc.namespace = to;
  };
  return objects.map((original) => {
    const o = structuredClone(original);
    if (o.kind === "Namespace" && o.metadata.name === from) o.metadata.name = to;
    if (o.metadata.namespace === from) o.metadata.namespace = to;
    for (const subject of asArr(o.subjects)) if (subject.namespace === from) subject.namespace = to;
    for (const webhook of asArr(o.webhooks)) service(asObj(webhook.clientConfig)?.service);
    service(asObj(asObj(asObj(asObj(o.spec)?.conversion)?.webhook)?.clientConfig)?.service);
    const spec = asObj(o.spec);
    if (o.kind === "Certificate" && spec && Array.isArray(spec.dnsNames)) {
      spec.dnsNames = (spec.dnsNames as string[]).map((n) =>
        n.replace(new RegExp(`\\.${from}(\\.svc|$)`), `.${to}$1`),
      );
    }
    return o;
  });
}

function containersOf(o: KubernetesObject): Obj[] {
  return asArr(asObj(asObj(asObj(o.spec)?.template)?.spec)?.containers);
}

/** The named Deployment's container `container` with these requests and memory limit. */
export function withResources(
  objects: KubernetesObject[],
  deployment: string,
  container: string,
  r: ContainerResources,
): KubernetesObject[] {
  return objects.map((original) => {
    if (original.kind !== "Deployment" || original.metadata.name !== deployment) return original;
    const o = structuredClone(original);
    const found = containersOf(o).find((c) => c.name === container);
    if (!found) throw new Error(`Deployment ${deployment} has no container ${container}`);
    found.resources = {
      requests: { cpu: r.cpuRequest, memory: r.memoryRequest },
      limits: { memory: r.memoryLimit },
    };
    return o;
  });
}

/**
 * The plugin with pinned images: its Deployment runs `pluginImage`, and the Secret it reads
 * SIDECAR_IMAGE from holds `sidecarImage` (docs/upstream-files.md: the manifest at the tag names testing builds).
 */
export function withPluginImages(
  objects: KubernetesObject[],
  pluginImage: string,
  sidecarImage: string,
): KubernetesObject[] {
  const deployment = objects.find((o) => o.kind === "Deployment");
  const container = deployment ? containersOf(deployment)[0] : undefined;
  const secretName = asArr(container?.env)
    .map((e) => asObj(asObj(e.valueFrom)?.secretKeyRef))
    .find((ref) => ref?.key === "SIDECAR_IMAGE")?.name;
  if (!deployment || !container || typeof secretName !== "string") {
    throw new Error("the plugin manifest has no Deployment reading SIDECAR_IMAGE from a Secret");
  }
  return objects.map((original) => {
    if (original === deployment) {
      const o = structuredClone(original);
      const c = containersOf(o)[0];
      c.image = pluginImage;
      // The testing build logs at debug level; the release default is info.
      c.args = asArr(c.args).filter((a) => String(a) !== "--log-level=debug");
      return o;
    }
    if (original.kind === "Secret" && original.metadata.name === secretName) {
      const o = structuredClone(original);
      delete o.data;
      o.stringData = { SIDECAR_IMAGE: sidecarImage };
      return o;
    }
    return original;
  });
}

/** Every container image the objects run. */
export function imagesOf(objects: KubernetesObject[]): string[] {
  return objects.flatMap((o) => containersOf(o).map((c) => String(c.image)));
}

/** The CNPG operator's version, from its Deployment's image tag. */
export function operatorVersionOf(objects: KubernetesObject[]): string | undefined {
  const image = imagesOf(objects).find((i) => i.includes("/cloudnative-pg:"));
  return image?.split(":").pop();
}
