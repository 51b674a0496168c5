/**
 * End-to-end with the real Pulumi engine, offline (`npm run test:e2e`): CLI v3.274.1, the
 * Kubernetes provider 4.25.0 and the random provider 4.19.1 (bridged from registry modules)
 * built by tools/parts/pulumi-toolchain.sh, on scratch stacks in a local file backend
 * (tools/lib/offline-engine.ts). No language host exists here: the program runs inline through the
 * Automation API (tools/parts/engine/run.ts), the policy pack through tools/parts/engine/run-policy-pack.
 * Nothing reaches a cluster here: `up` runs with renderYamlToDirectory
 * (tests/e2e/cluster-*.test.ts deploy to the local cluster).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as yaml from "js-yaml";
import { expectNoSecret } from "../helpers/leaks";
import { ManifestValidator } from "../../tools/lib/manifest-validation";
import {
  ensurePolicyPackDeps,
  policyArgs,
  RunResult,
  ScratchStack,
  scratchStack,
  toolchainEnv,
} from "../../tools/lib/offline-engine";
import { deployConsumer, expectOk } from "./local-cluster";

const STACKS = ["staging", "production"] as const;
/** The scratch stacks after their `up`, for the consumer test. */
const deployed: Partial<Record<(typeof STACKS)[number], ScratchStack>> = {};

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p) : [p];
  });
}

beforeAll(() => {
  toolchainEnv();
  ensurePolicyPackDeps();
});

test("no Node.js language host anywhere the engine looks: the runs below prove the inline path", () => {
  const env = toolchainEnv();
  const places = [
    ...(env.PATH ?? "").split(path.delimiter),
    ...fs
      .readdirSync(path.join(env.PULUMI_HOME ?? "", "plugins"))
      .map((d) => path.join(env.PULUMI_HOME ?? "", "plugins", d)),
  ];
  const found = places.filter((dir) => fs.existsSync(path.join(dir, "pulumi-language-nodejs")));
  expect(found).toEqual([]);
  expect(policyArgs("staging")[1]).toMatch(/tools\/parts\/engine\/run-policy-pack$/);
  expect(fs.statSync(policyArgs("staging")[1]).mode & 0o111).not.toBe(0);
});

describe.each(STACKS)("stack %s", (stack) => {
  let s: ScratchStack;
  let rendered: string;
  let up: RunResult;

  beforeAll(() => {
    s = scratchStack(stack, { config: { postDeployCheck: "off" } });
    rendered = path.join(s.base, "rendered");
    expectOk(s.pulumi(["config", "set", "renderYamlToDirectory", rendered]));
  });

  test("preview passes the policy pack", () => {
    const r = s.pulumi(["preview", ...policyArgs(stack)]);
    expectOk(r);
    expect(r.output).toContain("nightscout@v0.1.0 (local:");
    expect(r.output).not.toContain("[mandatory]");
  });

  test("up writes the manifests", () => {
    up = s.pulumi(["up", "--yes", "--skip-preview", ...policyArgs(stack)]);
    expectOk(up);
    deployed[stack] = s;
    const files = walk(rendered).filter((f) => f.endsWith(".yaml"));
    expect(files.length).toBeGreaterThan(10);
    const kinds = files.flatMap((f) =>
      yaml.loadAll(fs.readFileSync(f, "utf8")).map((o) => (o as { kind: string }).kind),
    );
    expect(kinds).toEqual(expect.arrayContaining(["Deployment", "Cluster", "Ingress", "Secret"]));
  });

  test("every rendered manifest validates", () => {
    const validator = new ManifestValidator();
    const problems: string[] = [];
    for (const f of walk(rendered).filter((x) => x.endsWith(".yaml")))
      for (const obj of yaml.loadAll(fs.readFileSync(f, "utf8")))
        if (obj)
          problems.push(
            ...validator.validate(obj as Record<string, unknown>).map((p) => `${f}: ${p}`),
          );
    expect(problems).toEqual([]);
  });

  test("secrets are ciphertext in the stack file and absent from the state and output", () => {
    const stackFile = fs.readFileSync(s.stackFile(), "utf8");
    const state = fs.readFileSync(s.stateFile(), "utf8");
    const config = (yaml.load(stackFile) as { config: Record<string, unknown> }).config;
    for (const [key, value] of Object.entries(s.secrets)) {
      expect(config[`nightscout:${key}`]).toEqual({ secure: expect.any(String) });
      const forms = [value, Buffer.from(value).toString("base64")];
      expectNoSecret({ stackFile, state, output: up.output }, forms, key);
    }
    // The generated database password: plaintext only in the rendered Secret (documented).
    const appSecret = walk(rendered)
      .map((f) => fs.readFileSync(f, "utf8"))
      .find((t) => t.includes("kubernetes.io/basic-auth"));
    // The provider renders stringData as base64 data.
    const data = (yaml.load(appSecret ?? "") as { data?: Record<string, string> } | undefined)
      ?.data;
    const password = Buffer.from(data?.password ?? "", "base64").toString("utf8");
    expect(password).toMatch(/^[A-Za-z0-9]{32}$/);
    expectNoSecret({ state, output: up.output }, [password, data?.password ?? ""], "password");
  });
});

test("a mandatory policy violation fails the preview with the policy's message", () => {
  const s = scratchStack("production", {
    name: "production-one-instance",
    // Declared staging, the program accepts one instance; only production's policy config
    // stands in its way. (Declared production, the program itself refuses it.)
    config: { postDeployCheck: "off", postgresInstances: "1", environment: "staging" },
  });
  const r = s.pulumi(["preview", ...policyArgs("production")]);
  expect(r.status).not.toBe(0);
  expect(r.output).toContain("cnpg-min-instances");
  expect(r.output).toContain("production needs at least 3 PostgreSQL instances so losing one node");
});

test("the program itself refuses what production requires, without the pack", () => {
  const s = scratchStack("production", {
    name: "production-unpacked",
    config: { postDeployCheck: "off", postgresInstances: "1" },
  });
  const r = s.pulumi(["preview"]);
  expect(r.status).not.toBe(0);
  expect(r.output).toContain("production needs at least 3 PostgreSQL instances");
});

test("an invalid config value fails with the program's own message", () => {
  const s = scratchStack("staging", {
    name: "staging-zero-instances",
    config: { postDeployCheck: "off", postgresInstances: "0" },
  });
  const r = s.pulumi(["preview", ...policyArgs("staging")]);
  expect(r.status).not.toBe(0);
  expect(r.output).toContain("must be a whole number from 1 to 9");
});

test("examples/consumer reads production's outputs through a real StackReference", () => {
  const production = deployed.production;
  if (!production) throw new Error("the production stack was not deployed by the tests above");
  // The consumer project beside production's scratch project, on the same local backend and
  // passphrase: a StackReference decrypts the referenced stack's secret outputs with it.
  const run = deployConsumer(production);

  const shown = JSON.parse(run(["stack", "output", "--json", "--show-secrets"]).stdout);
  expect(shown.statusUrl).toBe("https://ns.example.org/api/v1/status.json");
  expect(shown.nightscoutServiceAddress).toBe("nightscout.nightscout.svc.cluster.local:80");
  expect(shown.units).toBe("mmol/L");
  expect(shown.reportingMongoUri).toMatch(
    /^mongodb:\/\/nightscout:[A-Za-z0-9]{32}@ferretdb\.nightscout\.svc\.cluster\.local:27017\/nightscout$/,
  );
  // Secret in production, still secret in the consumer.
  const hidden = JSON.parse(run(["stack", "output", "--json"]).stdout);
  expect(hidden.reportingMongoUri).toBe("[secret]");
  expect(hidden.statusUrl).toBe(shown.statusUrl);
});
