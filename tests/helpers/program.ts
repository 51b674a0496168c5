import * as pulumi from "@pulumi/pulumi";
import {
  TEST_SECRETS,
  captureStack,
  outputValue,
  type CaptureResult,
  type CapturedResource,
} from "../../tools/lib/capture";
import { ManifestValidator } from "../../tools/lib/manifest-validation";

export type Props = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Evaluates the program once for this test file (the Pulumi runtime is process-global). */
export function useProgram(stack: string, overrides: Record<string, string | undefined> = {}) {
  let result: CaptureResult<Record<string, unknown>>;
  beforeAll(async () => {
    result = await captureStack(stack, overrides);
    for (const r of result.resources) {
      const password = result.generatedPasswords.get(r.name);
      if (r.type === T.password && password !== undefined) generatedPassword.set(r, password);
    }
  }, 60_000);

  const resources = () => result.resources;
  const ofType = (type: string) => result.resources.filter((r) => r.type === type);
  const one = (type: string, name: string): CapturedResource => {
    const found = result.resources.find((r) => r.type === type && r.name === name);
    if (!found)
      throw new Error(
        `no ${type} named ${name}; have ${result.resources.map((r) => r.name).join(", ")}`,
      );
    return found;
  };
  const props = (type: string, name: string): Props => one(type, name).props as Props;
  const output = async (name: string) =>
    outputValue(result.outputs[name] as pulumi.Output<unknown>);
  return {
    resources,
    ofType,
    one,
    props,
    output,
    outputs: () => result.outputs,
    registrations: () => result.registrations,
  };
}

export const T = {
  cluster: "kubernetes:postgresql.cnpg.io/v1:Cluster",
  scheduledBackup: "kubernetes:postgresql.cnpg.io/v1:ScheduledBackup",
  objectStore: "kubernetes:barmancloud.cnpg.io/v1:ObjectStore",
  deployment: "kubernetes:apps/v1:Deployment",
  service: "kubernetes:core/v1:Service",
  secret: "kubernetes:core/v1:Secret",
  namespace: "kubernetes:core/v1:Namespace",
  ingress: "kubernetes:networking.k8s.io/v1:Ingress",
  networkPolicy: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
  pdb: "kubernetes:policy/v1:PodDisruptionBudget",
  middleware: "kubernetes:traefik.io/v1alpha1:Middleware",
  password: "random:index/randomPassword:RandomPassword",
  provider: "pulumi:providers:kubernetes",
  command: "command:local:Command",
};

/** type::name of what every stack registers, whatever its backups and replicas. */
export const STACK_CORE = [
  "command:local:Command::post-deploy-check-run",
  "kubernetes:apps/v1:Deployment::ferretdb-deployment",
  "kubernetes:apps/v1:Deployment::nightscout-deployment",
  "kubernetes:core/v1:Namespace::nightscout-namespace",
  "kubernetes:core/v1:Secret::ferretdb-postgres",
  "kubernetes:core/v1:Secret::nightscout-secrets",
  "kubernetes:core/v1:Secret::postgres-app",
  "kubernetes:core/v1:Service::ferretdb-service",
  "kubernetes:core/v1:Service::nightscout-service",
  "kubernetes:networking.k8s.io/v1:Ingress::nightscout-ingress",
  "kubernetes:networking.k8s.io/v1:NetworkPolicy::ferretdb-network",
  "kubernetes:networking.k8s.io/v1:NetworkPolicy::nightscout-allow-dns",
  "kubernetes:networking.k8s.io/v1:NetworkPolicy::nightscout-default-deny",
  "kubernetes:networking.k8s.io/v1:NetworkPolicy::nightscout-network",
  "kubernetes:networking.k8s.io/v1:NetworkPolicy::postgres-network",
  "kubernetes:postgresql.cnpg.io/v1:Cluster::postgres-cluster",
  "kubernetes:traefik.io/v1alpha1:Middleware::nightscout-redirect-https",
  "nightscout:app:Nightscout::nightscout",
  "nightscout:check:PostDeployCheck::post-deploy-check",
  "nightscout:database:PostgresCluster::postgres",
  "nightscout:ferretdb:FerretDb::ferretdb",
  "nightscout:network:AppNamespace::nightscout",
  "pulumi:providers:kubernetes::k8s",
  "random:index/randomPassword:RandomPassword::postgres-app-password",
];

/** Kubernetes objects among the captured resources (custom resources of the kubernetes provider). */
export function kubernetesObjects(resources: CapturedResource[]): CapturedResource[] {
  return resources.filter((r) => r.custom && r.type.startsWith("kubernetes:"));
}

/** What the mocks generated for each captured RandomPassword. */
const generatedPassword = new WeakMap<CapturedResource, string>();

/** Every string value of the test secrets and of the passwords generated for these resources. */
export function secretValues(resources: CapturedResource[]): string[] {
  const generated = resources
    .filter((r) => r.type === T.password)
    .map((r) => {
      const password = generatedPassword.get(r);
      if (password === undefined) throw new Error(`no password was generated for ${r.urn}`);
      return password;
    });
  return [...Object.values(TEST_SECRETS), ...generated];
}

export function env(container: Props): Record<string, Props> {
  return Object.fromEntries((container.env ?? []).map((e: Props) => [e.name, e]));
}

export function containerOf(deployment: Props): Props {
  return deployment.spec.template.spec.containers[0];
}

/** Does a NetworkPolicy peer's podSelector (matchLabels only, as the program writes them) select these labels? */
export function selects(selector: Props | undefined, labels: Record<string, string>): boolean {
  if (!selector) return false;
  return Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
}

let validator: ManifestValidator | undefined;
export function manifestValidator(): ManifestValidator {
  validator ??= new ManifestValidator();
  return validator;
}
