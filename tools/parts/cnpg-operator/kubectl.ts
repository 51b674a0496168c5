/**
 * kubectl against the local cluster, for the operator's run (operator.ts) and tests/operator:
 * a thin wrapper that throws with kubectl's stderr, and a poll with a deadline.
 */
import { execFileSync, spawnSync } from "child_process";
import * as https from "https";
import * as path from "path";

const ROOT = path.resolve(__dirname, "../../..");

const FIELD_MANAGER = "nightscout-operator-test";

export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [key: string]: unknown };
  [key: string]: unknown;
};

/** An object as kubectl prints it; tests read into it freely. */
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function fail(message: string): never {
  throw new Error(`[cnpg-operator] ${message}`);
}

/** kubectl against one kubeconfig. */
export class Kubectl {
  constructor(
    readonly binary: string,
    readonly kubeconfig: string,
  ) {}

  /** Runs kubectl; throws with its stderr (never its stdin, which may hold Secrets). */
  run(args: readonly string[], input?: string): string {
    const result = this.try(args, input);
    if (result.status !== 0) {
      fail(`kubectl ${args.join(" ")} exited ${result.status}: ${result.stderr.trim()}`);
    }
    return result.stdout;
  }

  try(args: readonly string[], input?: string): { status: number; stdout: string; stderr: string } {
    const result = spawnSync(this.binary, ["--kubeconfig", this.kubeconfig, ...args], {
      input,
      encoding: "utf8",
      timeout: 120_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    return {
      status: result.status ?? -1,
      stdout: result.stdout ?? "",
      stderr: result.stderr ?? "",
    };
  }

  /** Server-side apply of objects; `force` takes over fields another manager owns. */
  apply(objects: readonly K8sObject[], force = false): void {
    const args = ["apply", "--server-side", "--field-manager", FIELD_MANAGER, "-f", "-"];
    if (force) args.push("--force-conflicts");
    this.run(args, JSON.stringify({ apiVersion: "v1", kind: "List", items: objects }));
  }

  /**
   * POSTs an object with dryRun=All straight to the API server (the kubeconfig's client
   * certificate) and returns the HTTP status and the response body. kubectl would print a
   * refusal's causes only; the body's `message` also names the webhook that refused.
   */
  async dryRunCreate(object: Json, plural: string): Promise<{ code: number; body: Json }> {
    const config = JSON.parse(this.run(["config", "view", "--raw", "--minify", "-o", "json"])) as {
      clusters: { cluster: { server: string; "certificate-authority-data": string } }[];
      users: { user: { "client-certificate-data": string; "client-key-data": string } }[];
    };
    const { cluster } = config.clusters[0];
    const { user } = config.users[0];
    const [group, version] = String(object.apiVersion).split("/");
    const url = new URL(
      `/apis/${group}/${version}/namespaces/${object.metadata.namespace}/${plural}?dryRun=All`,
      cluster.server,
    );
    const body = JSON.stringify(object);
    return new Promise((resolve, reject) => {
      const req = https.request(
        url,
        {
          method: "POST",
          ca: Buffer.from(cluster["certificate-authority-data"], "base64"),
          cert: Buffer.from(user["client-certificate-data"], "base64"),
          key: Buffer.from(user["client-key-data"], "base64"),
          headers: {
            "content-type": "application/json",
            "content-length": Buffer.byteLength(body),
          },
          timeout: 30_000,
        },
        (res) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (chunk: string) => (text += chunk));
          res.on("end", () =>
            resolve({ code: res.statusCode ?? 0, body: JSON.parse(text) as Json }),
          );
        },
      );
      req.on("error", reject);
      req.on("timeout", () => req.destroy(new Error(`POST ${url.pathname}: no answer in 30 s`)));
      req.end(body);
    });
  }

  /** The object, or undefined when it does not exist. */
  get<T = Json>(kind: string, name: string, namespace?: string): T | undefined {
    const args = ["get", kind, name, "-o", "json", ...(namespace ? ["-n", namespace] : [])];
    const result = this.try(args);
    if (result.status === 0) return JSON.parse(result.stdout) as T;
    if (/NotFound|not found/.test(result.stderr)) return undefined;
    fail(`kubectl ${args.join(" ")}: ${result.stderr.trim()}`);
  }

  list<T = Json>(kind: string, namespace: string): T[] {
    return (JSON.parse(this.run(["get", kind, "-n", namespace, "-o", "json"])) as { items: T[] })
      .items;
  }
}

/** The local cluster's bin directory (kubectl), once tools/parts/local-cluster/build.sh has built it. */
export function kubeBinDir(): string {
  const build = path.join(ROOT, "tools/parts/local-cluster/build.sh");
  if (spawnSync("bash", [build, "--check"], { stdio: "ignore" }).status !== 0) {
    fail(
      "the local cluster is not built: run `bash tools/parts/local-cluster/build.sh` outside the network namespace first",
    );
  }
  return execFileSync("bash", [build], { encoding: "utf8" }).trim().split("\n")[0];
}

/** Resolves with `poll`'s first value that is not undefined; rejects after `ms` naming `what`. */
export async function waitFor<T>(
  what: string,
  ms: number,
  poll: () => T,
  intervalMs = 500,
): Promise<NonNullable<T>> {
  const until = Date.now() + ms;
  let lastError: unknown;
  for (;;) {
    try {
      const value = poll();
      if (value !== undefined && value !== null) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > until) {
      fail(
        `${what}: not after ${ms / 1000} s${lastError ? ` (last error: ${String(lastError)})` : ""}`,
      );
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
