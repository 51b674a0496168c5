/**
 * Runs the real CloudNative-PG operator (tools/parts/cnpg-operator/build.sh) out of cluster against
 * the local cluster (tools/parts/local-cluster/start.sh), for tests/operator. Everything here talks
 * to the cluster, so it runs inside the project's network namespace (tools/parts/netns.sh); nothing
 * here builds or downloads: build.sh does that beforehand, outside it.
 *
 * The upstream files come from tools/parts/upstream-files.sh (Go modules, each file's sha256 checked
 * against tools/parts/upstream-files.txt; a warm cache needs no network): the release manifest
 * cnpg-<version>.yaml (CRDs, namespace, RBAC, the default monitoring ConfigMap, the webhook
 * configurations) and plugin-barman-cloud's ObjectStore CRD. The release's Deployment and
 * webhook Service are left out: the operator runs here as a process, and its webhooks are
 * reached by URL.
 */
import { ChildProcess, execFileSync, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as https from "https";
import * as net from "net";
import * as path from "path";
import * as yaml from "js-yaml";
import { type K8sObject, Kubectl, fail } from "./kubectl";

export { type K8sObject, Kubectl, kubeBinDir, waitFor } from "./kubectl";

const ROOT = path.resolve(__dirname, "../../..");
const CACHE = path.join(process.env.HOME ?? "/root", ".cache/nightscout-stack");
export const CNPG_VERSION = "1.30.0";
/** Where the operator runs; the release manifest's own namespace. */
export const OPERATOR_NAMESPACE = "cnpg-system";
/** The ServiceAccount the release binds its ClusterRole to; the operator runs as it here too. */
const OPERATOR_SERVICE_ACCOUNT = "cnpg-manager";

/** The operator binary (build.sh) and the upstream files (tools/parts/upstream-files.sh). */
export interface OperatorParts {
  manager: string;
  releaseManifest: string;
  objectStoreCrd: string;
}

/** Runs tools/parts/upstream-files.sh; its own one-line refusal is the error. */
function upstreamFiles(...args: string[]): string {
  const result = spawnSync("bash", [path.join(ROOT, "tools/parts/upstream-files.sh"), ...args], {
    encoding: "utf8",
    timeout: 120_000,
  });
  if (result.status !== 0) {
    fail(
      `tools/parts/upstream-files.sh ${args.join(" ")}: ${(result.stderr ?? "").trim()} ` +
        "(inside the network namespace only a warm cache works: run it outside first)",
    );
  }
  return result.stdout.trim();
}

export function operatorParts(): OperatorParts {
  const manager = path.join(CACHE, `cnpg-v${CNPG_VERSION}`, "bin/manager");
  const stamp = `${manager}.stamp`;
  if (!fs.existsSync(stamp) || fs.readFileSync(stamp, "utf8").trim() !== `v${CNPG_VERSION}`) {
    fail(
      `${manager} is missing or not v${CNPG_VERSION}: run \`bash tools/parts/cnpg-operator/build.sh\` ` +
        "outside the network namespace first (npm run test:operator does)",
    );
  }
  return {
    manager,
    releaseManifest: upstreamFiles("--manifest", `cnpg-${CNPG_VERSION}.yaml`),
    objectStoreCrd: path.join(upstreamFiles("--crd-dir"), "barmancloud.cnpg.io_objectstores.yaml"),
  };
}

function loadDocuments(file: string): K8sObject[] {
  return (yaml.loadAll(fs.readFileSync(file, "utf8")) as (K8sObject | null)[]).filter(
    (d): d is K8sObject => d !== null && typeof d === "object",
  );
}

/** The release manifest, parsed. */
export function releaseDocuments(parts: OperatorParts): K8sObject[] {
  return loadDocuments(parts.releaseManifest);
}

/** The ObjectStore CRD of the Barman Cloud plugin's release. */
export function objectStoreCrd(parts: OperatorParts): K8sObject {
  const [crd] = loadDocuments(parts.objectStoreCrd);
  if (crd?.kind !== "CustomResourceDefinition") fail(`${parts.objectStoreCrd} holds no CRD`);
  return crd;
}

const INSTALLED_KINDS = new Set([
  "Namespace",
  "CustomResourceDefinition",
  "ServiceAccount",
  "ClusterRole",
  "ClusterRoleBinding",
  "Role",
  "RoleBinding",
  "ConfigMap",
]);

/** What the controller needs from the release, without its Deployment, Service and webhooks. */
export function installObjects(docs: readonly K8sObject[]): K8sObject[] {
  return docs.filter((d) => INSTALLED_KINDS.has(d.kind));
}

type WebhookConfiguration = K8sObject & {
  webhooks: { name: string; clientConfig: Record<string, unknown> }[];
};

/**
 * The release's Mutating/ValidatingWebhookConfigurations, each webhook pointed at the
 * operator's port on loopback with this run's CA, instead of at the in-cluster Service.
 */
export function webhookConfigurations(
  docs: readonly K8sObject[],
  port: number,
  caBundle: string,
): WebhookConfiguration[] {
  const found = docs.filter(
    (d): d is WebhookConfiguration =>
      d.kind === "MutatingWebhookConfiguration" || d.kind === "ValidatingWebhookConfiguration",
  );
  if (found.length !== 2)
    fail(`expected 2 webhook configurations in the release, found ${found.length}`);
  return found.map((config) => ({
    ...config,
    webhooks: config.webhooks.map((webhook) => {
      const service = webhook.clientConfig.service as { path?: string } | undefined;
      if (!service?.path) fail(`webhook ${webhook.name} has no service path`);
      return {
        ...webhook,
        clientConfig: { url: `https://127.0.0.1:${port}${service.path}`, caBundle },
      };
    }),
  }));
}

/** The release Deployment's container env entries with literal values (image names, ConfigMap). */
export function releaseEnv(docs: readonly K8sObject[]): Record<string, string> {
  const deployment = docs.find((d) => d.kind === "Deployment") as
    | {
        spec: {
          template: { spec: { containers: { env?: { name: string; value?: string }[] }[] } };
        };
      }
    | undefined;
  if (!deployment) fail("the release manifest has no Deployment to read the operator's env from");
  const env: Record<string, string> = {};
  for (const e of deployment.spec.template.spec.containers[0].env ?? []) {
    if (e.value !== undefined) env[e.name] = e.value;
  }
  return env;
}

/** A port nothing listens on now, on loopback (the kernel's pick). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * A CA of this run's own and a serving certificate for IP 127.0.0.1, under the names the
 * operator reads when WEBHOOK_CERT_DIR is set. Returns the CA, base64, for caBundle.
 */
export function webhookCertificates(dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  const run = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  run(
    ...["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"],
    ...["-subj", "/CN=cnpg-webhook-test-ca", "-keyout", "ca.key", "-out", "ca.crt"],
  );
  run(
    ...["req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1"],
    ...["-keyout", "apiserver.key", "-out", "apiserver.csr"],
  );
  fs.writeFileSync(
    path.join(dir, "apiserver.ext"),
    "extendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1\n",
  );
  run(
    ...["x509", "-req", "-in", "apiserver.csr", "-CA", "ca.crt", "-CAkey", "ca.key"],
    ...["-CAcreateserial", "-days", "2", "-extfile", "apiserver.ext", "-out", "apiserver.crt"],
  );
  return fs.readFileSync(path.join(dir, "ca.crt")).toString("base64");
}

/** GET https://127.0.0.1:<port>/readyz with the run's CA: the webhook server answers. */
function webhookReady(port: number, ca: Buffer): Promise<boolean> {
  return new Promise((resolve) => {
    const req = https.get(
      { host: "127.0.0.1", port, path: "/readyz", ca, servername: undefined, timeout: 2000 },
      (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      },
    );
    req.on("error", () => resolve(false));
    req.on("timeout", () => req.destroy());
  });
}

export interface RunningOperator {
  process: ChildProcess;
  webhookPort: number;
  logFile: string;
  /** The operator's log so far. */
  log(): string;
  stop(): Promise<void>;
}

/**
 * Installs the release's CRDs, namespace and RBAC and the ObjectStore CRD, starts
 * `manager controller` as the release's ServiceAccount (a token from the TokenRequest API, so
 * the release's RBAC is what it runs with), waits for its webhook server, and registers the
 * webhook configurations. `stateDir` holds certificates, its kubeconfig, log and pid.
 */
export async function startOperator(kubectl: Kubectl, stateDir: string): Promise<RunningOperator> {
  const parts = operatorParts();
  const docs = releaseDocuments(parts);
  fs.mkdirSync(stateDir, { recursive: true });

  const installed = installObjects(docs);
  // Force: start.sh applied the project's copies of three of these CRDs under its own manager.
  kubectl.apply([...installed, objectStoreCrd(parts)], true);
  const crds = [
    ...installed.filter((d) => d.kind === "CustomResourceDefinition"),
    objectStoreCrd(parts),
  ];
  kubectl.run([
    "wait",
    "--for",
    "condition=Established",
    "--timeout",
    "60s",
    ...crds.map((c) => `crd/${c.metadata.name}`),
  ]);

  const certDir = path.join(stateDir, "webhook-certs");
  const caBundle = webhookCertificates(certDir);
  const webhookPort = await freePort();
  const metricsPort = await freePort();

  // The operator's own kubeconfig: the cluster's server and CA, the ServiceAccount's token.
  const token = kubectl
    .run([
      "create",
      "token",
      OPERATOR_SERVICE_ACCOUNT,
      "-n",
      OPERATOR_NAMESPACE,
      "--duration",
      "2h",
    ])
    .trim();
  const admin = JSON.parse(kubectl.run(["config", "view", "--raw", "--minify", "-o", "json"])) as {
    clusters: { cluster: { server: string; "certificate-authority-data": string } }[];
  };
  const operatorKubeconfig = path.join(stateDir, "operator.kubeconfig");
  fs.writeFileSync(
    operatorKubeconfig,
    yaml.dump({
      apiVersion: "v1",
      kind: "Config",
      clusters: [{ name: "local", cluster: admin.clusters[0].cluster }],
      users: [{ name: OPERATOR_SERVICE_ACCOUNT, user: { token } }],
      contexts: [
        { name: "operator", context: { cluster: "local", user: OPERATOR_SERVICE_ACCOUNT } },
      ],
      "current-context": "operator",
    }),
    { mode: 0o600 },
  );

  // The operator hashes its own instance-manager binaries, found relative to its working
  // directory at operator/manager_<GOARCH> as its image lays them out; give it the same.
  const goArch = { x64: "amd64", arm64: "arm64" }[process.arch as string] ?? process.arch;
  fs.mkdirSync(path.join(stateDir, "operator"), { recursive: true });
  fs.rmSync(path.join(stateDir, "operator", `manager_${goArch}`), { force: true });
  fs.symlinkSync(parts.manager, path.join(stateDir, "operator", `manager_${goArch}`));

  const pluginSocketDir = path.join(stateDir, "plugins");
  fs.mkdirSync(pluginSocketDir, { recursive: true });
  const logFile = path.join(stateDir, "operator.log");
  const logFd = fs.openSync(logFile, "w");
  // setpriv --pdeathsig: the kernel kills the operator when this process ends, however it ends.
  const child = spawn(
    "setpriv",
    [
      "--pdeathsig",
      "KILL",
      "--",
      parts.manager,
      "controller",
      "--leader-elect=false",
      `--webhook-port=${webhookPort}`,
      `--metrics-bind-address=127.0.0.1:${metricsPort}`,
      "--max-concurrent-reconciles=2",
    ],
    {
      env: {
        PATH: process.env.PATH,
        HOME: stateDir,
        KUBECONFIG: operatorKubeconfig,
        ...releaseEnv(docs),
        OPERATOR_NAMESPACE,
        WEBHOOK_CERT_DIR: certDir,
        // The webhook configurations are ours (written below), not the operator's to patch.
        MANAGE_WEBHOOK_CONFIGURATIONS: "false",
        PLUGIN_SOCKET_DIR: pluginSocketDir,
      },
      cwd: stateDir,
      stdio: ["ignore", logFd, logFd],
    },
  );
  fs.closeSync(logFd);
  fs.writeFileSync(path.join(stateDir, "operator.pid"), `${child.pid}\n`);
  let exited: string | undefined;
  child.on("exit", (code, signal) => (exited = `exit ${code ?? signal}`));
  const log = () => fs.readFileSync(logFile, "utf8");

  try {
    const ca = fs.readFileSync(path.join(certDir, "ca.crt"));
    const deadline = Date.now() + 90_000;
    while (!(await webhookReady(webhookPort, ca))) {
      if (exited)
        fail(`the operator ended (${exited}) before serving its webhooks:\n${log().slice(-3000)}`);
      if (Date.now() > deadline) {
        fail(`the operator's webhook server did not answer in 90 s:\n${log().slice(-3000)}`);
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    kubectl.apply(webhookConfigurations(docs, webhookPort, caBundle), true);
  } catch (error) {
    await stopProcess(child);
    throw error;
  }

  return {
    process: child,
    webhookPort,
    logFile,
    log,
    stop: () => stopProcess(child),
  };
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

/**
 * Kills the operator a previous run recorded in `stateDir`, if it still runs the manager
 * binary: the safety net for a run whose own teardown did not get to it.
 */
export function killRecordedOperator(stateDir: string): void {
  const pidFile = path.join(stateDir, "operator.pid");
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, "utf8").trim());
  try {
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
    if (cmdline.includes(`cnpg-v${CNPG_VERSION}/bin/manager`)) process.kill(pid, "SIGKILL");
  } catch {
    // Not running any more.
  }
  fs.rmSync(pidFile, { force: true });
}
