import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { KubernetesObject } from "../manifests";

export interface OperatorReleaseArgs {
  /** The release's objects, already transformed (namespace, resources, images). */
  objects: KubernetesObject[];
}

type CoreResource = (
  name: string,
  object: KubernetesObject,
  opts: pulumi.CustomResourceOptions,
) => pulumi.CustomResource;

/**
 * The core ("v1") kinds the release manifests hold, as the SDK's typed resources: the provider
 * refuses apiVersion "v1" through CustomResource (it wants a group), so only these can be
 * installed; every other apiVersion names a group and goes through CustomResource. The
 * manifest's object is the typed resource's args (apiVersion, kind, metadata, the rest).
 */
const CORE_KINDS: Record<string, CoreResource> = {
  Namespace: (n, o, opts) => new k8s.core.v1.Namespace(n, o as k8s.core.v1.NamespaceArgs, opts),
  ServiceAccount: (n, o, opts) =>
    new k8s.core.v1.ServiceAccount(n, o as k8s.core.v1.ServiceAccountArgs, opts),
  ConfigMap: (n, o, opts) => new k8s.core.v1.ConfigMap(n, o as k8s.core.v1.ConfigMapArgs, opts),
  Secret: (n, o, opts) => new k8s.core.v1.Secret(n, o as k8s.core.v1.SecretArgs, opts),
  Service: (n, o, opts) => new k8s.core.v1.Service(n, o as k8s.core.v1.ServiceArgs, opts),
};

/** Kinds that must exist before the rest of a release: the API types and where objects live. */
const FIRST = ["CustomResourceDefinition", "Namespace"];

/** `<kind>-<namespace>-<name>`, lowercase: unique within a release. */
export function childName(o: KubernetesObject): string {
  return [o.kind, o.metadata.namespace, o.metadata.name].filter(Boolean).join("-").toLowerCase();
}

/** Throws, before anything is registered, on objects that cannot be installed as given. */
export function validateOperatorReleaseArgs(args: OperatorReleaseArgs): void {
  const seen = new Set<string>();
  for (const o of args.objects) {
    if (!o.apiVersion || !o.kind || !o.metadata?.name) {
      throw new Error(
        `OperatorRelease: args.objects holds an object without apiVersion, kind or name: ${JSON.stringify(o).slice(0, 120)}`,
      );
    }
    if (o.apiVersion === "v1" && !CORE_KINDS[o.kind]) {
      throw new Error(
        `OperatorRelease: args.objects holds a core ${o.kind} "${o.metadata.name}", which it cannot install; add the kind to CORE_KINDS.`,
      );
    }
    const name = childName(o);
    if (seen.has(name)) throw new Error(`OperatorRelease: args.objects holds ${name} twice.`);
    seen.add(name);
  }
}

/**
 * One operator's release manifest, installed object by object: CRDs and the Namespace first,
 * then RBAC, webhooks and the Deployment, which Pulumi waits for until it is available.
 */
export class OperatorRelease extends pulumi.ComponentResource {
  public readonly deployments: pulumi.CustomResource[] = [];

  constructor(name: string, args: OperatorReleaseArgs, opts?: pulumi.ComponentResourceOptions) {
    validateOperatorReleaseArgs(args);
    super("nightscout:platform:OperatorRelease", name, {}, opts);
    const register = (o: KubernetesObject, dependsOn: pulumi.Resource[]) => {
      const resourceName = `${name}-${childName(o)}`;
      const childOpts = { parent: this, dependsOn };
      const Core = o.apiVersion === "v1" ? CORE_KINDS[o.kind] : undefined;
      return Core
        ? Core(resourceName, o, childOpts)
        : new k8s.apiextensions.CustomResource(resourceName, o, childOpts);
    };
    const first = args.objects.filter((o) => FIRST.includes(o.kind)).map((o) => register(o, []));
    for (const o of args.objects.filter((o) => !FIRST.includes(o.kind))) {
      const resource = register(o, first);
      if (o.kind === "Deployment") this.deployments.push(resource);
    }
    this.registerOutputs({});
  }
}
