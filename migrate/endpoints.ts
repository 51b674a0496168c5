/**
 * Where the source and target are: the source URI from --from, the target from --to
 * (direct) or from the stack's outputs through a port-forward, each parsed with the
 * post-deploy check's parsers (check/uri.ts) before anything connects, and carried with the
 * strings that must never be printed.
 */
import { spawnSync } from "node:child_process";
import { CHECK_ENV } from "../domain";
import { overrideHost, parseMongoUri, uriSecrets } from "../check/uri";
import { scrub } from "../check/redact";
import type { Endpoint } from "./connect";
import { MIGRATE_EXIT_CODES, MigrateError } from "./exit-codes";
import type { MigrateOptions, UriSource } from "./options";
import { readUri } from "./options";
import { startForward, type Forward } from "./port-forward";

type Env = Readonly<Record<string, string | undefined>>;

const describe = (flag: string, source: UriSource): string =>
  `the URI in ${flag} ${source.kind}:${source.name}`;

function endpointFrom(
  role: Endpoint["role"],
  uri: string,
  label: string,
  extraSecrets: readonly string[] = [],
): Endpoint {
  const parsed = parseMongoUri(uri);
  if (typeof parsed === "string") {
    // check/uri.ts names the check's variable; here the URI came from elsewhere.
    throw new MigrateError(MIGRATE_EXIT_CODES.usage, parsed.split(CHECK_ENV.mongoUri).join(label));
  }
  const database = parsed.display.split("/").slice(3).join("/");
  if (!database) {
    throw new MigrateError(
      MIGRATE_EXIT_CODES.usage,
      `${label} names no database: end it with /<database> (Nightscout's database)`,
    );
  }
  const secrets = [...new Set([...parsed.secrets, ...extraSecrets])].sort(
    (a, b) => b.length - a.length,
  );
  return { role, uri: parsed.connectionString, display: parsed.display, secrets };
}

export function sourceEndpoint(opts: MigrateOptions, env: Env): Endpoint {
  const read = readUri("--from", opts.from, env);
  if ("error" in read) throw new MigrateError(MIGRATE_EXIT_CODES.usage, read.error);
  return endpointFrom("source", read.uri, describe("--from", opts.from));
}

interface StackOutputs {
  namespace?: unknown;
  ferretdbHost?: unknown;
  ferretdbPort?: unknown;
  mongoUri?: unknown;
}

/** `pulumi stack output --json --show-secrets`: its output never reaches the terminal. */
function readStackOutputs(stack: string, env: Env): StackOutputs {
  const pulumi = env.PULUMI || "pulumi";
  const result = spawnSync(
    pulumi,
    ["stack", "output", "--stack", stack, "--json", "--show-secrets"],
    {
      encoding: "utf8",
      env: { ...process.env, ...env } as NodeJS.ProcessEnv,
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 60_000,
    },
  );
  if (result.error) {
    throw new MigrateError(
      MIGRATE_EXIT_CODES.usage,
      `'${pulumi}' could not be run (${(result.error as NodeJS.ErrnoException).code ?? "error"}): ` +
        "install the Pulumi CLI, or give a direct target URI with --to env:NAME",
    );
  }
  let outputs: StackOutputs | undefined;
  try {
    outputs = JSON.parse(result.stdout) as StackOutputs;
  } catch {
    outputs = undefined;
  }
  if (result.status !== 0 || !outputs) {
    const secrets = uriSecrets(
      typeof outputs?.mongoUri === "string" ? outputs.mongoUri : undefined,
    );
    const said = scrub(result.stderr ?? "", secrets).slice(0, 300);
    throw new MigrateError(
      MIGRATE_EXIT_CODES.usage,
      `could not read the outputs of stack ${stack} (pulumi exit ${result.status}): ${said}`,
    );
  }
  return outputs;
}

export interface Target {
  endpoint: Endpoint;
  forward?: Forward;
  /** Every URI that reaches the target: the one connected to, and the in-cluster one. */
  reachedAs: string[];
}

const LOOPBACK = new Set(["localhost", "127.0.0.1", "::1", "[::1]", "0.0.0.0"]);
const MONGO_DEFAULT_PORT = "27017";

/** A host as the server sees it: case, a trailing dot, the default port and loopback aliases. */
function hostKey(host: string): string {
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(host.trim().toLowerCase());
  const name = (m?.[1] ?? host).replace(/\.$/, "");
  const port = m?.[2] ?? MONGO_DEFAULT_PORT;
  return `${LOOPBACK.has(name) || /^127\./.test(name) ? "loopback" : name}:${port}`;
}

/**
 * Whether `source` names the same database as any of `targets` under another spelling:
 * a shared host (localhost is 127.0.0.1, 27017 may be left out, case does not count) and the
 * same database name (MongoDB refuses two that differ only in case). Credentials do not count.
 */
export function sameDatabase(source: string, targets: readonly string[]): boolean {
  const a = parseMongoUri(source);
  if (typeof a === "string") return false;
  const database = (uri: { display: string }) =>
    uri.display.split("/").slice(3).join("/").split("?")[0].toLowerCase();
  const hostsA = new Set(a.hosts.map(hostKey));
  return targets.some((target) => {
    const b = parseMongoUri(target);
    return (
      typeof b !== "string" &&
      database(a) === database(b) &&
      b.hosts.some((h) => hostsA.has(hostKey(h)))
    );
  });
}

export async function targetEndpoint(opts: MigrateOptions, env: Env): Promise<Target> {
  if (opts.to) {
    const read = readUri("--to", opts.to, env);
    if ("error" in read) throw new MigrateError(MIGRATE_EXIT_CODES.usage, read.error);
    return {
      endpoint: endpointFrom("target", read.uri, describe("--to", opts.to)),
      reachedAs: [read.uri],
    };
  }
  const outputs = readStackOutputs(opts.stack, env);
  const { namespace, ferretdbHost, ferretdbPort, mongoUri } = outputs;
  if (
    typeof namespace !== "string" ||
    typeof ferretdbHost !== "string" ||
    typeof ferretdbPort !== "number" ||
    typeof mongoUri !== "string"
  ) {
    throw new MigrateError(
      MIGRATE_EXIT_CODES.usage,
      `stack ${opts.stack} has no namespace, ferretdbHost, ferretdbPort and mongoUri outputs: ` +
        "deploy it first (pulumi up), or give a direct target URI with --to env:NAME",
    );
  }
  const label = `stack ${opts.stack}'s mongoUri output`;
  const inCluster = endpointFrom("target", mongoUri, label);
  const forward = await startForward({
    namespace,
    service: ferretdbHost.split(".")[0],
    port: ferretdbPort,
    kubeContext: opts.kubeContext,
    kubectl: env.KUBECTL,
  });
  const uri = overrideHost(mongoUri, forward.hostPort);
  const endpoint = endpointFrom("target", uri, label, [...inCluster.secrets, uri]);
  return {
    endpoint: { ...endpoint, display: `${inCluster.display} via ${forward.hostPort}` },
    forward,
    reachedAs: [uri, mongoUri],
  };
}
