/**
 * Production, deployed for real to the local cluster (see cluster-staging.test.ts for the
 * set-up): the check inside `up`, no changes and no drift afterwards, secrets never in
 * plaintext, the consumer example reading the outputs and pinging FerretDB through the same
 * port-forward route, and `destroy` refused by the protected database.
 */
import { spawn } from "node:child_process";
import * as path from "node:path";
import { MongoClient } from "mongodb";
import { expectNoSecret } from "../helpers/leaks";
import {
  checkResultLine,
  deployConsumer,
  expectOk,
  objectsIn,
  secretData,
  stackOnE2eCluster,
  summary,
} from "./local-cluster";

const e2e = stackOnE2eCluster("production");
const { namespace } = e2e;

test("up creates every resource, and the post-deploy check runs inside it", async () => {
  const r = await e2e.up();
  expectOk(r);
  expect(summary(r.output).created).toBeGreaterThan(20);
  expect(checkResultLine(r.output)).toMatchObject({ ok: true });
  expect(objectsIn(e2e.cluster, namespace)).toEqual(
    expect.arrayContaining([
      "deployment.apps/ferretdb",
      "cluster.postgresql.cnpg.io/nightscout-db",
      "scheduledbackup.postgresql.cnpg.io/nightscout-db-daily",
      "objectstore.barmancloud.cnpg.io/nightscout-db-backup",
    ]),
  );
  const ferret = JSON.parse(
    e2e.cluster.kubectl(["get", "deployment", "ferretdb", "-n", namespace, "-o", "json"]).stdout,
  ) as { status: { availableReplicas?: number } };
  expect(ferret.status.availableReplicas).toBe(2);
});

test("a second up changes nothing, and refresh finds no drift", async () => {
  const again = await e2e.up(["--expect-no-changes"]);
  expectOk(again);
  expect(summary(again.output)).toEqual({ unchanged: expect.any(Number) });
  expectOk(await e2e.refresh(["--expect-no-changes"]));
});

test("secrets are never in plaintext in the state, the outputs or the engine's output", () => {
  const mongoUri = JSON.parse(
    e2e.stack.pulumi(["stack", "output", "--json", "--show-secrets"]).stdout,
  ).mongoUri as string;
  const password = new URL(mongoUri).password;
  expect(secretData(e2e.cluster, namespace, "nightscout-secrets").API_SECRET).toBe(
    e2e.stack.secrets.apiSecret,
  );
  expect(secretData(e2e.cluster, namespace, "nightscout-db-app-credentials").password).toBe(
    password,
  );
  const places = {
    state: e2e.stack.pulumi(["stack", "export"]).stdout,
    outputs: e2e.stack.pulumi(["stack", "output", "--json"]).stdout,
    engine: e2e.outputs.join("\n"),
  };
  const forms = (v: string) => [v, Buffer.from(v).toString("base64")];
  for (const [key, value] of Object.entries(e2e.stack.secrets))
    expectNoSecret(places, forms(value), key);
  expectNoSecret(places, forms(password), "database password");
  expectNoSecret(places, forms(mongoUri), "mongoUri");
});

test("examples/consumer reads the outputs and pings FerretDB with the secret mongoUri", async () => {
  const consumer = deployConsumer(e2e.stack);
  const run = (args: string[]) => {
    const r = consumer(args);
    if (r.status !== 0) throw new Error(`pulumi ${args[0]} failed:\n${r.output}`);
    return r.stdout;
  };
  expect(JSON.parse(run(["stack", "output", "--json"])).reportingMongoUri).toBe("[secret]");
  const uri = JSON.parse(run(["stack", "output", "--json", "--show-secrets"]))
    .reportingMongoUri as string;

  // The same route as the check: kubectl port-forward to FerretDB's Service, kwok's
  // ClusterPortForward, the local FerretDB.
  const forward = spawn(
    path.join(e2e.cluster.binDirs[0], "kubectl"),
    [
      "--kubeconfig",
      e2e.cluster.kubeconfig,
      "port-forward",
      "-n",
      namespace,
      "svc/ferretdb",
      ":27017",
    ],
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
  const before = objectsIn(e2e.cluster, namespace);
  expect(before).toContain("cluster.postgresql.cnpg.io/nightscout-db");
  const r = await e2e.stack.pulumiAsync(["destroy", "--yes"]);
  expect(r.status).not.toBe(0);
  expect(r.output).toMatch(/protected/);
  // Refused before anything was deleted: the database and everything around it remain.
  expect(objectsIn(e2e.cluster, namespace)).toEqual(before);
  expect(e2e.cluster.kubectl(["get", "--raw", "/readyz"]).status).toBe(0);
});
