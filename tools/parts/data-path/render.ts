/**
 * What the program renders for the data path of a stack, read from its resources under the
 * project's mock harness (tools/lib/capture.ts): the CNPG Cluster's PostgreSQL settings and
 * bootstrap, and the FerretDB, Nightscout and post-deploy check environments with every Secret
 * they reference resolved. The local data path (tools/parts/data-path/local.ts) is configured from this
 * and nothing else, so a setting the program gets wrong fails on the real extension.
 *
 * Secrets here are the mock harness's: the test stand-ins for `pulumi config set --secret` and
 * the passwords it generates for RandomPassword. Run as a script it prints the JSON on stdout,
 * for a parent process that may be capturing something else meanwhile (the Pulumi runtime is
 * process-global: one capture at a time).
 */
import { captureStack, type CapturedResource } from "../../lib/capture";

export interface RenderedContainer {
  image: string;
  /** Every env var of the container, Secrets resolved. */
  env: Record<string, string>;
  /** The names of the env vars that came from a Secret. */
  fromSecrets: string[];
}

export interface RenderedPostgres {
  imageName: string;
  sharedPreloadLibraries: string[];
  parameters: Record<string, string>;
  pgHba: string[];
  pgIdent: string[];
  /** CNPG's initdb bootstrap: the application database, its owner and the SQL run after. */
  database: string;
  owner: string;
  ownerPassword: string;
  postInitSQL: string[];
  postInitApplicationSQL: string[];
}

/** The glucose exporter monitoring deploys, and how its PodMonitor probes Nightscout. */
export interface RenderedGlucoseExporter {
  image: string;
  args: string[];
  /** The exporter's config.yml, from its Secret. */
  config: string;
  /** The probe's `module` and `target` parameters. */
  module: string;
  target: string;
}

export interface RenderedDataPath {
  stack: string;
  namespace: string;
  postgres: RenderedPostgres;
  ferretdb: RenderedContainer;
  nightscout: RenderedContainer;
  /** The post-deploy check command's environment, when the stack runs it. */
  checkEnv?: Record<string, string>;
  /** With monitoring on: the glucose exporter. */
  glucoseExporter?: RenderedGlucoseExporter;
}

type Props = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function only(
  resources: CapturedResource[],
  what: string,
  match: (r: CapturedResource) => boolean,
) {
  const found = resources.filter(match);
  if (found.length !== 1) {
    throw new Error(`expected one ${what} among the rendered resources, found ${found.length}`);
  }
  return found[0].props as Props;
}

function secretValue(resources: CapturedResource[], name: string, key: string): string {
  const secret = only(
    resources,
    `Secret ${name}`,
    (r) => r.type === "kubernetes:core/v1:Secret" && (r.props as Props).metadata?.name === name,
  );
  const value =
    secret.stringData?.[key] ??
    (secret.data?.[key] !== undefined
      ? Buffer.from(secret.data[key], "base64").toString()
      : undefined);
  if (typeof value !== "string") throw new Error(`Secret ${name} has no key ${key}`);
  return value;
}

function containerOf(resources: CapturedResource[], deployment: string): RenderedContainer {
  const props = only(
    resources,
    `Deployment ${deployment}`,
    (r) => r.type === "kubernetes:apps/v1:Deployment" && r.name === deployment,
  );
  const [container] = props.spec.template.spec.containers as Props[];
  const env: Record<string, string> = {};
  const fromSecrets: string[] = [];
  for (const entry of (container.env ?? []) as Props[]) {
    if (entry.valueFrom?.secretKeyRef) {
      const { name, key } = entry.valueFrom.secretKeyRef;
      env[entry.name] = secretValue(resources, name, key);
      fromSecrets.push(entry.name);
    } else if (typeof entry.value === "string") {
      env[entry.name] = entry.value;
    } else {
      throw new Error(
        `${deployment}: env ${entry.name} has neither a value nor a Secret reference`,
      );
    }
  }
  return { image: container.image, env, fromSecrets };
}

function postgresOf(resources: CapturedResource[]): RenderedPostgres {
  const cluster = only(
    resources,
    "CNPG Cluster",
    (r) => r.type === "kubernetes:postgresql.cnpg.io/v1:Cluster",
  );
  const { postgresql, bootstrap, imageName } = cluster.spec;
  const initdb = bootstrap?.initdb;
  if (!initdb) throw new Error("the Cluster does not bootstrap with initdb (a restore stack?)");
  return {
    imageName,
    sharedPreloadLibraries: postgresql.shared_preload_libraries ?? [],
    parameters: postgresql.parameters ?? {},
    pgHba: postgresql.pg_hba ?? [],
    pgIdent: postgresql.pg_ident ?? [],
    database: initdb.database,
    owner: initdb.owner,
    ownerPassword: secretValue(resources, initdb.secret.name, "password"),
    postInitSQL: initdb.postInitSQL ?? [],
    postInitApplicationSQL: initdb.postInitApplicationSQL ?? [],
  };
}

function glucoseExporterOf(resources: CapturedResource[]): RenderedGlucoseExporter | undefined {
  const probes = resources.filter(
    (r) =>
      r.type === "kubernetes:monitoring.coreos.com/v1:PodMonitor" &&
      (r.props as Props).spec?.podMetricsEndpoints?.[0]?.path === "/probe",
  );
  if (probes.length === 0) return undefined;
  const [endpoint] = only(resources, "probing PodMonitor", (r) => probes.includes(r)).spec
    .podMetricsEndpoints as Props[];
  const deployment = resources.find(
    (r) =>
      r.type === "kubernetes:apps/v1:Deployment" &&
      (r.props as Props).spec?.selector?.matchLabels?.["app.kubernetes.io/name"] ===
        (probes[0].props as Props).spec.selector.matchLabels["app.kubernetes.io/name"],
  );
  if (!deployment) throw new Error("no Deployment behind the probing PodMonitor");
  const pod = (deployment.props as Props).spec.template.spec;
  const [container] = pod.containers as Props[];
  const configVolume = (pod.volumes as Props[]).find((v) => v.secret);
  if (!configVolume) throw new Error("the exporter mounts no Secret with its configuration");
  return {
    image: container.image,
    args: container.args ?? [],
    config: secretValue(resources, configVolume.secret.secretName, "config.yml"),
    module: endpoint.params.module[0],
    target: endpoint.params.target[0],
  };
}

/** Evaluates the program for `stack` under mocks and reads its data path. */
export async function renderDataPath(
  stack: string,
  overrides: Record<string, string | undefined> = {},
): Promise<RenderedDataPath> {
  const { resources } = await captureStack(stack, overrides);
  const command = resources.find((r) => r.type === "command:local:Command");
  const cluster = resources.find((r) => r.type === "kubernetes:postgresql.cnpg.io/v1:Cluster");
  return {
    stack,
    namespace: (cluster?.props as Props | undefined)?.metadata?.namespace,
    postgres: postgresOf(resources),
    ferretdb: containerOf(resources, "ferretdb-deployment"),
    nightscout: containerOf(resources, "nightscout-deployment"),
    checkEnv: command ? (command.props.environment as Record<string, string>) : undefined,
    glucoseExporter: glucoseExporterOf(resources),
  };
}

if (require.main === module) {
  const [stack, overridesJson] = process.argv.slice(2);
  if (!stack) {
    process.stderr.write("usage: render.ts <stack> [overrides as JSON]\n");
    process.exit(64);
  }
  renderDataPath(stack, overridesJson ? JSON.parse(overridesJson) : {}).then(
    (rendered) => process.stdout.write(`${JSON.stringify(rendered)}\n`),
    (err: Error) => {
      process.stderr.write(`render.ts: ${err.message}\n`);
      process.exit(1);
    },
  );
}
