import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

export interface AppNamespaceArgs {
  name: string;
  /** Create the namespace; false when it already exists. */
  create: boolean;
  /** Keep the namespace when the stack is destroyed (it holds the database's volumes). */
  retainOnDelete: boolean;
}

/**
 * The namespace and its baseline network policy (fact 35): deny everything both ways, then
 * allow DNS. Each workload component adds the allow rules for its own pods.
 */
export class AppNamespace extends pulumi.ComponentResource {
  public readonly name: pulumi.Output<string>;

  constructor(name: string, args: AppNamespaceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("nightscout:network:AppNamespace", name, {}, opts);

    const namespace = args.create
      ? new k8s.core.v1.Namespace(
          `${name}-namespace`,
          {
            metadata: {
              name: args.name,
              // Every pod of the stack meets the restricted Pod Security Standard.
              labels: {
                "pod-security.kubernetes.io/enforce": "restricted",
                "pod-security.kubernetes.io/enforce-version": "latest",
              },
            },
          },
          { parent: this, retainOnDelete: args.retainOnDelete },
        )
      : undefined;
    this.name = namespace ? namespace.metadata.name : pulumi.output(args.name);

    const denyAll = new k8s.networking.v1.NetworkPolicy(
      `${name}-default-deny`,
      {
        metadata: { namespace: this.name, name: "default-deny" },
        spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
      },
      { parent: this },
    );
    new k8s.networking.v1.NetworkPolicy(
      `${name}-allow-dns`,
      {
        metadata: { namespace: this.name, name: "allow-dns" },
        spec: {
          podSelector: {},
          policyTypes: ["Egress"],
          egress: [
            {
              to: [
                {
                  namespaceSelector: {
                    matchLabels: { "kubernetes.io/metadata.name": "kube-system" },
                  },
                  podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
                },
              ],
              ports: [
                { protocol: "UDP", port: 53 },
                { protocol: "TCP", port: 53 },
              ],
            },
          ],
        },
      },
      { parent: this, dependsOn: [denyAll] },
    );

    this.registerOutputs({ name: this.name });
  }
}
