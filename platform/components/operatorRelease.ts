import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { KubernetesObject } from "../manifests";

export interface OperatorReleaseArgs {
  /** The release's objects, already transformed (namespace, resources, images). */
  objects: KubernetesObject[];
}

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
  public readonly deployments: k8s.apiextensions.CustomResource[] = [];

  constructor(name: string, args: OperatorReleaseArgs, opts?: pulumi.ComponentResourceOptions) {
    validateOperatorReleaseArgs(args);
    super("nightscout:platform:OperatorRelease", name, {}, opts);
    const register = (o: KubernetesObject, dependsOn: pulumi.Resource[]) =>
      new k8s.apiextensions.CustomResource(`${name}-${childName(o)}`, o, {
        parent: this,
        dependsOn,
      });
    const first = args.objects.filter((o) => FIRST.includes(o.kind)).map((o) => register(o, []));
    for (const o of args.objects.filter((o) => !FIRST.includes(o.kind))) {
      const resource = register(o, first);
      if (o.kind === "Deployment") this.deployments.push(resource);
    }
    this.registerOutputs({});
  }
}
