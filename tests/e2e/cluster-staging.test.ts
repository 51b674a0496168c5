/**
 * Staging, deployed for real: `pulumi up` with the real engine and providers against the local
 * cluster's real kube-apiserver (tools/parts/local-cluster; kwok instead of kubelets, two documented
 * stand-ins), with the post-deploy check running inside the update through
 * `kubectl port-forward` to a local FerretDB. A missing build is built (minutes), never skipped.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { policyArgs } from "../../tools/lib/offline-engine";
import { localStack } from "../../tools/parts/local-cluster/cluster";
import { apiSecretHeader } from "../../access/nightscout-api";
import { expectNoSecret } from "../helpers/leaks";
import {
  type AuthorizationDouble,
  startAuthorizationDouble,
} from "../helpers/nightscout-authorization-double";
import {
  changedSteps,
  checkResultLine,
  expectOk,
  freshNamespace,
  objectsIn,
  secretData,
  stackOnE2eCluster,
  summary,
} from "./local-cluster";

const STACK = "staging";
// The shortest deadline the program accepts: a failing check fails the update in 10 s.
const e2e = stackOnE2eCluster(STACK, { postDeployCheckDeadlineSeconds: "10" });
const { namespace } = e2e;

beforeAll(() => freshNamespace(e2e.cluster, "nightscout-typo"));

test("up creates every resource, and the post-deploy check runs inside it", async () => {
  const r = await e2e.up();
  expectOk(r);
  const state = JSON.parse(e2e.stack.pulumi(["stack", "export"]).stdout) as {
    deployment: { resources: { type: string; urn: string }[] };
  };
  // Everything in the state was created by this update: every resource, the stack itself
  // and the explicit Kubernetes provider; the engine does not count its default providers.
  const counted = state.deployment.resources.filter(
    (x) => !(x.type.startsWith("pulumi:providers:") && /::default(_[0-9_]+)?$/.test(x.urn)),
  );
  expect(counted.length).toBeGreaterThan(20);
  expect(summary(r.output).created).toBe(counted.length);
  // The check's own success line, streamed by the command provider into the update's output.
  const line = checkResultLine(r.output);
  expect(line).toMatchObject({ ok: true, attempts: expect.any(Number) });
  // The API server holds what the program declared; kwok made the pods Available, the
  // stand-ins marked the CNPG Cluster Ready and gave the Ingress an address.
  const objects = objectsIn(e2e.cluster, namespace);
  expect(objects).toEqual(
    expect.arrayContaining([
      "deployment.apps/ferretdb",
      "deployment.apps/nightscout",
      "cluster.postgresql.cnpg.io/nightscout-db",
      "ingress.networking.k8s.io/nightscout",
      "secret/nightscout-db-app-credentials",
    ]),
  );
});

test("a second up changes nothing, and refresh finds no drift", async () => {
  const again = await e2e.up(["--expect-no-changes"]);
  expectOk(again);
  expect(summary(again.output)).toEqual({ unchanged: expect.any(Number) });
  expect(checkResultLine(again.output)).toBeUndefined(); // nothing triggered the check
  expectOk(await e2e.refresh(["--expect-no-changes"]));
});

test("changing one setting updates exactly what depends on it", async () => {
  // ALARM_TYPES is a plain env value of Nightscout's container: its Deployment changes, and
  // the check (triggered by that spec) runs again; nothing else.
  expectOk(e2e.stack.pulumi(["config", "set", "alarmTypes", "predict"]));
  const preview = e2e.stack.pulumi(["preview", "--json", ...policyArgs(STACK)]);
  expectOk(preview);
  expect(changedSteps(preview.stdout)).toEqual([
    "replace command:local:Command::post-deploy-check-run",
    "update kubernetes:apps/v1:Deployment::nightscout-deployment",
  ]);
  const r = await e2e.up();
  expectOk(r);
  expect(summary(r.output)).toMatchObject({ updated: 1, replaced: 1 });
  expect(checkResultLine(r.output)).toMatchObject({ ok: true });
});

test("with FerretDB stopped, up fails with the check's reason; it passes once FerretDB is back", async () => {
  await e2e.ferretdb.stopFerretDb();
  expectOk(e2e.stack.pulumi(["config", "set", "alarmTypes", "simple predict"]));
  const failed = await e2e.up();
  expect(failed.status).not.toBe(0);
  // The check's one-line reason (check/outcome.ts), as the update's error.
  expect(failed.output).toMatch(/post-deploy-check: (unreachable|deadline exceeded)[^\n]*/);

  await e2e.ferretdb.startFerretDb();
  await e2e.ferretdb.usersSynced(namespace, 30_000);
  const passed = await e2e.up();
  expectOk(passed);
  expect(checkResultLine(passed.output)).toMatchObject({ ok: true });
});

test("the API server itself rejects a misspelled field", async () => {
  // A stack transformation adds `spec.instancess` to the CNPG Cluster; the Kubernetes provider
  // sends it as is (CRDs have no client-side schema), and the server's schema refuses it.
  const typo = localStack(e2e.cluster, STACK, {
    area: "e2e-cluster",
    name: "staging-typo",
    config: { namespace: "nightscout-typo", postDeployCheck: "off" },
  });
  fs.writeFileSync(
    path.join(typo.dir, "typo.ts"),
    [
      'import * as pulumi from "@pulumi/pulumi";',
      "pulumi.runtime.registerStackTransformation((args) => {",
      '  if (args.type === "kubernetes:postgresql.cnpg.io/v1:Cluster") {',
      "    const props = args.props as { spec: Record<string, unknown> };",
      "    props.spec = { ...props.spec, instancess: 1 };",
      "  }",
      "  return { props: args.props, opts: args.opts };",
      "});",
      // index.ts exports the stack as a function; the engine calls what the main module exports.
      'module.exports = require("./index");',
      "",
    ].join("\n"),
  );
  fs.appendFileSync(path.join(typo.dir, "Pulumi.yaml"), "main: typo.ts\n");
  const r = await typo.pulumiAsync(["up", "--yes", "--skip-preview"]);
  expect(r.status).not.toBe(0);
  expect(r.output).toMatch(/instancess[^\n]*(field not declared in schema|unknown field)/);
  // Nothing of the kind reached etcd.
  const clusters = e2e.cluster.kubectl([
    "get",
    "clusters.postgresql.cnpg.io",
    "-n",
    "nightscout-typo",
  ]);
  expect(clusters.stdout).not.toContain("nightscout-db");
  await typo.pulumiAsync(["destroy", "--yes"]);
});

/**
 * Access as code through the same route as the check: `kubectl port-forward` to the Nightscout
 * Service, which kwok sends to the port start.sh wrote to nightscout-relay.port. kwok runs no
 * Nightscout, so a STAND-IN for Nightscout 15.0.7's authorization API listens there
 * (tests/helpers/nightscout-authorization-double.ts, held to the facts by its contract tests).
 */
describe("access as code: two caregivers declared, then one removed and the other rotated", () => {
  let double: AuthorizationDouble;
  const tokens: string[] = [];
  beforeAll(async () => {
    const port = Number(
      fs.readFileSync(path.join(e2e.cluster.dir, "nightscout-relay.port"), "utf8").trim(),
    );
    double = await startAuthorizationDouble(e2e.stack.secrets.apiSecret, undefined, port);
  });
  afterAll(async () => {
    await double?.close();
  });

  const set = (...args: string[]) => expectOk(e2e.stack.pulumi(["config", "set", ...args]));
  async function subjects(): Promise<{ _id: string; name: string; accessToken: string }[]> {
    const response = await fetch(`${double.url}/api/v2/authorization/subjects`, {
      headers: { "api-secret": apiSecretHeader(e2e.stack.secrets.apiSecret) },
    });
    return (await response.json()) as never;
  }
  const links = () =>
    JSON.parse(
      e2e.stack.pulumi(["stack", "output", "accessLinks", "--json", "--show-secrets"]).stdout,
    ) as Record<string, { token: string; url: string }>;
  const expectedLinks = async () => {
    const held = await subjects();
    return Object.fromEntries(
      held.map((s) => [
        s.name,
        { token: s.accessToken, url: `https://ns-staging.example.org/?token=${s.accessToken}` },
      ]),
    );
  };

  test("up creates both subjects, exports their links as a secret, and a second up changes nothing", async () => {
    set("--path", "access[0].name", "Grandma");
    set("--path", "access[0].roles[0]", "readable");
    set("--path", "access[1].name", "School nurse");
    set("--path", "access[1].roles[0]", "readable");
    set("--path", "access[1].roles[1]", "careportal");
    const r = await e2e.up();
    expectOk(r);
    expect(r.output).toContain("access: subject Grandma: created");
    expect(r.output).toContain("access: subject School nurse: created");
    const held = await subjects();
    expect(held.map((s) => s.name).sort()).toEqual(["Grandma", "School nurse"]);
    expect(links()).toEqual(await expectedLinks());
    tokens.push(...held.map((s) => s.accessToken));
    // Secret: the plain listing shows no token.
    const plain = e2e.stack.pulumi(["stack", "output", "--json"]).stdout;
    for (const token of tokens) expect(plain).not.toContain(token);

    const again = await e2e.up(["--expect-no-changes"]);
    expectOk(again);
    expect(again.output).toContain("access: Nightscout's subjects and roles are as declared");
    expect((await subjects()).map((s) => s._id).sort()).toEqual(held.map((s) => s._id).sort());
  });

  test("removing one revokes it, rotating the other gives a new token; the links follow exactly", async () => {
    const before = links();
    expectOk(e2e.stack.pulumi(["config", "rm", "--path", "access[0]"]));
    set("--path", "access[0].rotate", "1");
    const r = await e2e.up();
    expectOk(r);
    expect(r.output).toContain("access: subject School nurse: rotated");
    expect(r.output).toContain("access: subject Grandma: deleted, no longer declared");
    const held = await subjects();
    expect(held.map((s) => s.name)).toEqual(["School nurse"]);
    const after = links();
    expect(Object.keys(after)).toEqual(["School nurse"]);
    expect(after["School nurse"].token).not.toBe(before["School nurse"].token);
    expect(after).toEqual(await expectedLinks());
    tokens.push(after["School nurse"].token);
    // Tokens are in the secret output only: never in the engine's output or the state.
    const state = e2e.stack.pulumi(["stack", "export"]).stdout;
    expectNoSecret({ state, engine: e2e.outputs.join("\n") }, tokens, "access tokens");
  });
});

test("secrets are never in plaintext in the state, the outputs or the engine's output", () => {
  const mongoUri = JSON.parse(
    e2e.stack.pulumi(["stack", "output", "--json", "--show-secrets"]).stdout,
  ).mongoUri as string;
  const password = new URL(mongoUri).password;
  expect(password).toMatch(/^[A-Za-z0-9]{32}$/);
  // The cluster's Secrets hold the right values...
  expect(secretData(e2e.cluster, namespace, "nightscout-secrets")).toEqual({
    API_SECRET: e2e.stack.secrets.apiSecret,
    MONGODB_URI: mongoUri,
  });
  expect(secretData(e2e.cluster, namespace, "nightscout-db-app-credentials")).toEqual({
    username: "nightscout",
    password,
  });
  // ...and nothing else shows them.
  const state = e2e.stack.pulumi(["stack", "export"]).stdout;
  const shownOutputs = e2e.stack.pulumi(["stack", "output", "--json"]).stdout;
  const forms = (v: string) => [v, Buffer.from(v).toString("base64")];
  const places = { state, outputs: shownOutputs, engine: e2e.outputs.join("\n") };
  expectNoSecret(places, forms(e2e.stack.secrets.apiSecret), "apiSecret");
  expectNoSecret(places, forms(password), "database password");
  expectNoSecret(places, forms(mongoUri), "mongoUri");
});

test("destroy leaves nothing in the namespace", async () => {
  const r = await e2e.stack.pulumiAsync(["destroy", "--yes"]);
  expectOk(r);
  const left = e2e.cluster.kubectl(["get", "namespace", namespace]);
  if (left.status === 0) expect(objectsIn(e2e.cluster, namespace)).toEqual([]);
  else expect(left.stderr).toContain("NotFound");
});
