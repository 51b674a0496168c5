/**
 * Production, deployed for real to the local cluster (see cluster-staging.test.ts for the
 * set-up): the check inside `up`, no changes and no drift afterwards, secrets never in
 * plaintext, the consumer example reading the outputs and pinging FerretDB through the same
 * port-forward route, and `destroy` refused by the protected database.
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { MongoClient } from "mongodb";
import { ROOT, policyArgs, type RunResult, type ScratchStack } from "../../tools/offline-engine";
import { localStack, stackNamespace, type LocalCluster } from "../../tools/local-cluster/cluster";
import { startLocalFerretDb, type LocalFerretDb } from "../../tools/local-cluster/ferretdb";
import { expectNoSecret } from "../helpers/leaks";
import {
  checkResultLine,
  e2eCluster,
  expectOk,
  freshNamespace,
  objectsIn,
  secretData,
  summary,
} from "./localCluster";

const STACK = "production";
const namespace = stackNamespace(STACK);
let cluster: LocalCluster;
let ferretdb: LocalFerretDb;
let s: ScratchStack;
const outputs: string[] = [];

async function up(args: string[] = []): Promise<RunResult> {
  const r = await s.pulumiAsync(["up", "--yes", "--skip-preview", ...policyArgs(STACK), ...args]);
  outputs.push(r.output);
  return r;
}

beforeAll(async () => {
  cluster = e2eCluster();
  freshNamespace(cluster, namespace);
  s = localStack(cluster, STACK, { area: "e2e-cluster" });
  ferretdb = await startLocalFerretDb({
    clusterDir: cluster.dir,
    kubeconfig: cluster.kubeconfig,
    namespaces: [namespace],
    log: () => undefined,
  });
});

afterAll(async () => {
  await ferretdb?.stop();
});

test("up creates every resource, and the post-deploy check runs inside it", async () => {
  const r = await up();
  expectOk(r);
  expect(summary(r.output).created).toBeGreaterThan(20);
  expect(checkResultLine(r.output)).toMatchObject({ ok: true });
  expect(objectsIn(cluster, namespace)).toEqual(
    expect.arrayContaining([
      "deployment.apps/ferretdb",
      "cluster.postgresql.cnpg.io/nightscout-db",
      "scheduledbackup.postgresql.cnpg.io/nightscout-db-daily",
      "objectstore.barmancloud.cnpg.io/nightscout-db-backup",
    ]),
  );
  const ferret = JSON.parse(
    cluster.kubectl(["get", "deployment", "ferretdb", "-n", namespace, "-o", "json"]).stdout,
  ) as { status: { availableReplicas?: number } };
  expect(ferret.status.availableReplicas).toBe(2);
});

test("a second up changes nothing, and refresh finds no drift", async () => {
  const again = await up(["--expect-no-changes"]);
  expectOk(again);
  expect(summary(again.output)).toEqual({ unchanged: expect.any(Number) });
  const refresh = await s.pulumiAsync(["refresh", "--yes", "--expect-no-changes"]);
  outputs.push(refresh.output);
  expectOk(refresh);
});

test("secrets are never in plaintext in the state, the outputs or the engine's output", () => {
  const mongoUri = JSON.parse(s.pulumi(["stack", "output", "--json", "--show-secrets"]).stdout)
    .mongoUri as string;
  const password = new URL(mongoUri).password;
  expect(secretData(cluster, namespace, "nightscout-secrets").API_SECRET).toBe(s.secrets.apiSecret);
  expect(secretData(cluster, namespace, "nightscout-db-app-credentials").password).toBe(password);
  const places = {
    state: s.pulumi(["stack", "export"]).stdout,
    outputs: s.pulumi(["stack", "output", "--json"]).stdout,
    engine: outputs.join("\n"),
  };
  const forms = (v: string) => [v, Buffer.from(v).toString("base64")];
  for (const [key, value] of Object.entries(s.secrets)) expectNoSecret(places, forms(value), key);
  expectNoSecret(places, forms(password), "database password");
  expectNoSecret(places, forms(mongoUri), "mongoUri");
});

test("examples/consumer reads the outputs and pings FerretDB with the secret mongoUri", async () => {
  const dir = path.join(s.base, "consumer");
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir);
  const example = path.join(ROOT, "examples", "consumer");
  for (const f of ["index.ts", "nightscoutOutputs.ts", "package.json"])
    fs.symlinkSync(path.join(example, f), path.join(dir, f));
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
  fs.copyFileSync(path.join(example, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
  fs.copyFileSync(path.join(ROOT, "tsconfig.json"), path.join(dir, "tsconfig.json"));
  const run = (args: string[]) => {
    const r = spawnSync("pulumi", [...args, "--non-interactive"], {
      cwd: dir,
      env: s.env,
      encoding: "utf8",
    });
    if (r.status !== 0) throw new Error(`pulumi ${args[0]} failed:\n${r.stdout}${r.stderr}`);
    return r.stdout;
  };
  run(["stack", "init", "dev", "--secrets-provider", "passphrase"]);
  run(["config", "set", "nightscoutStack", "organization/nightscout/production"]);
  run(["up", "--yes", "--skip-preview"]);
  expect(JSON.parse(run(["stack", "output", "--json"])).reportingMongoUri).toBe("[secret]");
  const uri = JSON.parse(run(["stack", "output", "--json", "--show-secrets"]))
    .reportingMongoUri as string;

  // The same route as the check: kubectl port-forward to FerretDB's Service, kwok's
  // ClusterPortForward, the local FerretDB.
  const forward = spawn(
    path.join(cluster.binDirs[0], "kubectl"),
    ["--kubeconfig", cluster.kubeconfig, "port-forward", "-n", namespace, "svc/ferretdb", ":27017"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  try {
    const localPort = await new Promise<number>((resolve, reject) => {
      let seen = "";
      forward.stdout.on("data", (d: Buffer) => {
        seen += d;
        const m = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(seen);
        if (m) resolve(Number(m[1]));
      });
      forward.on("exit", (code) => reject(new Error(`kubectl port-forward exited ${code}`)));
    });
    const url = new URL(uri);
    url.host = `127.0.0.1:${localPort}`;
    const client = new MongoClient(url.toString(), { serverSelectionTimeoutMS: 10_000 });
    try {
      expect(await client.db().command({ ping: 1 })).toMatchObject({ ok: 1 });
    } finally {
      await client.close();
    }
  } finally {
    forward.kill();
  }
});

test("destroy is refused because the database is protected, and the deployment survives", async () => {
  const before = objectsIn(cluster, namespace);
  expect(before).toContain("cluster.postgresql.cnpg.io/nightscout-db");
  const r = await s.pulumiAsync(["destroy", "--yes"]);
  expect(r.status).not.toBe(0);
  expect(r.output).toMatch(/protected/);
  // Refused before anything was deleted: the database and everything around it remain.
  expect(objectsIn(cluster, namespace)).toEqual(before);
  expect(cluster.kubectl(["get", "--raw", "/readyz"]).status).toBe(0);
});
