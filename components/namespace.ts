import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { noSystemNamespace } from "../domain";
import { requireDnsLabel, requireRule } from "./arg-validation";
import { inNamespace, networkPolicyArgs, podsLabelled } from "./network-policy";

export interface AppNamespaceArgs {
  name: string;
  /** Create the namespace; false when it already exists. */
  create: boolean;
  /** Keep the namespace when the stack is destroyed (it holds the database's volumes). */
  retainOnDelete: boolean;
  /** Accept a namespace the cluster's own workloads use (config: allowSystemNamespace). */
  allowSystemNamespace?: boolean;
}

/** Throws, before anything is registered, when `args` cannot make a namespace for the stack. */
export function validateAppNamespaceArgs(args: AppNamespaceArgs): void {
  const component = "AppNamespace";
  requireDnsLabel(
    component,
    "name",
    args.name,
    "Use a DNS label: lowercase letters, digits and -, at most 63 characters.",
  );
  requireRule(
    component,
    noSystemNamespace,
    { namespace: "name", allowSystemNamespace: "allowSystemNamespace" },
    { namespace: args.name, allowSystemNamespace: args.allowSystemNamespace ?? false },
  );
}

/** CoreDNS listens on 53, over UDP and, for large answers, TCP. */
const DNS_PORT = 53;

/** The namespace, labelled so that every pod in it must meet the restricted profile. */
export function namespaceArgs(name: string): k8s.core.v1.NamespaceArgs {
  return {
    metadata: {
      name,
      labels: {
        "pod-security.kubernetes.io/enforce": "restricted",
        "pod-security.kubernetes.io/enforce-version": "latest",
      },
    },
  };
}

/** Fact 35: no pod of the namespace sends or receives anything another policy does not allow. */
export function defaultDenyArgs(
  namespace: pulumi.Input<string>,
): k8s.networking.v1.NetworkPolicyArgs {
  return networkPolicyArgs({
    metadata: { namespace, name: "default-deny" },
    ingress: [],
    egress: [],
  });
}

/** Fact 35: every pod may ask the cluster's DNS (kube-dns in kube-system) for names. */
export function allowDnsArgs(namespace: pulumi.Input<string>): k8s.networking.v1.NetworkPolicyArgs {
  const kubeDns = { ...inNamespace("kube-system"), ...podsLabelled({ "k8s-app": "kube-dns" }) };
  return networkPolicyArgs({
    metadata: { namespace, name: "allow-dns" },
    egress: [
      {
        to: [kubeDns],
        ports: [
          { protocol: "UDP", port: DNS_PORT },
          { protocol: "TCP", port: DNS_PORT },
        ],
      },
    ],
  });
}

/**
 * The namespace and its baseline network policy (fact 35): deny everything both ways, then
 * allow DNS. Each workload component adds the allow rules for its own pods.
 */
export class AppNamespace extends pulumi.ComponentResource {
  public readonly name: pulumi.Output<string>;

  constructor(name: string, args: AppNamespaceArgs, opts?: pulumi.ComponentResourceOptions) {
    // Before super(): bad args throw with nothing registered, so they leave no trace in the state.
    validateAppNamespaceArgs(args);
    super("nightscout:network:AppNamespace", name, {}, opts);

    const namespace = args.create
      ? new k8s.core.v1.Namespace(`${name}-namespace`, namespaceArgs(args.name), {
          parent: this,
          retainOnDelete: args.retainOnDelete,
        })
      : undefined;
    this.name = namespace ? namespace.metadata.name : pulumi.output(args.name);

    const denyAll = new k8s.networking.v1.NetworkPolicy(
      `${name}-default-deny`,
      defaultDenyArgs(this.name),
      { parent: this },
    );
    new k8s.networking.v1.NetworkPolicy(`${name}-allow-dns`, allowDnsArgs(this.name), {
      parent: this,
      dependsOn: [denyAll],
    });

    this.registerOutputs({ name: this.name });
  }
}
