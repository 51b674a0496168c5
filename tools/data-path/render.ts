/**
 * What the program renders for the data path of a stack, read from its resources under the
 * project's mock harness (tools/capture.ts): the CNPG Cluster's PostgreSQL settings and
 * bootstrap, and the FerretDB, Nightscout and post-deploy check environments with every Secret
 * they reference resolved. The local data path (tools/data-path/local.ts) is configured from this
 * and nothing else, so a setting the program gets wrong fails on the real extension.
 *
 * Secrets here are the mock harness's: the test stand-ins for `pulumi config set --secret` and
 * the passwords it generates for RandomPassword. Run as a script it prints the JSON on stdout,
 * for a parent process that must not share its module registry (a program registers its
 * resources once per process).
 */
import { captureStack, type CapturedResource } from "../capture";

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

export interface RenderedDataPath {
  stack: string;
  namespace: string;
  postgres: RenderedPostgres;
  ferretdb: RenderedContainer;
  nightscout: RenderedContainer;
  /** The post-deploy check command's environment, when the stack runs it. */
  checkEnv?: Record<string, string>;
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
