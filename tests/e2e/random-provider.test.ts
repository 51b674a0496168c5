/**
 * The project's own random provider (tools/parts/random-provider, docs/random-provider.md: Terraform's
 * random provider bridged from registry modules, standing in for the pulumi-random release binary
 * that no registry serves) against what the program relies on:
 *
 * 1. the plugin the toolchain built answers GetSchema over gRPC with the token, property names and
 *    types that the npm SDK @pulumi/random 4.19.1 declares for RandomPassword;
 * 2. a checkpoint in the shape the release provider writes previews `same` on the real engine,
 *    and a changed length on the same state is a replace (so `same` is the provider's verdict,
 *    not a preview that compares nothing).
 *
 * Needs the built toolchain (tools/parts/pulumi-toolchain.sh, run by toolchainEnv()).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as readline from "node:readline";
import * as grpc from "@grpc/grpc-js";
import * as ts from "typescript";
import type { Deployment, OpType } from "@pulumi/pulumi/automation";
import { ResourceProviderClient } from "@pulumi/pulumi/proto/provider_grpc_pb";
import { GetSchemaRequest } from "@pulumi/pulumi/proto/provider_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { ROOT, toolchainEnv } from "../../tools/lib/offline-engine";
import { inlineStack, type InlineStack } from "./inline/client";
import type { InlineStackSpec } from "./inline/protocol";
import type { RandomSpec } from "./inline/random-program";

const SDK_DIR = path.join(ROOT, "node_modules", "@pulumi", "random");
const SDK = JSON.parse(fs.readFileSync(path.join(SDK_DIR, "package.json"), "utf8")) as {
  version: string;
  pulumi: { name: string; version: string };
};
const SDK_JS = fs.readFileSync(path.join(SDK_DIR, "randomPassword.js"), "utf8");
/** The resource token the SDK registers RandomPassword under. */
const TOKEN = /RandomPassword\.__pulumiType = '([^']+)'/.exec(SDK_JS)?.[1] ?? "(none found)";

/** The toolchain's env (built by tools/parts/pulumi-toolchain.sh when missing), for the tests that run it. */
let env: NodeJS.ProcessEnv;

/** The plugin the toolchain put where the engine looks for random at the SDK's version. */
function pluginPath(): string {
  const home = env.PULUMI_HOME;
  if (!home) throw new Error("toolchainEnv() gave no PULUMI_HOME");
  return path.join(
    home,
    "plugins",
    `resource-random-v${SDK.pulumi.version}`,
    "pulumi-resource-random",
  );
}

// ---------------------------------------------------------------------------------------------
// 1. GetSchema against the npm SDK's declarations
// ---------------------------------------------------------------------------------------------

/** A property's type reduced to a comparable spelling: number, boolean, string, map<T>. */
type Shape = Record<string, string>;

interface SchemaType {
  type?: string;
  additionalProperties?: SchemaType;
  secret?: boolean;
}
interface SchemaResource {
  inputProperties: Record<string, SchemaType>;
  requiredInputs?: string[];
  properties: Record<string, SchemaType>;
  required?: string[];
  stateInputs: { properties: Record<string, SchemaType> };
}
interface PackageSchema {
  name: string;
  version?: string;
  resources: Record<string, SchemaResource>;
}

function schemaType(t: SchemaType): string {
  switch (t.type) {
    case "integer":
    case "number":
      return "number"; // TypeScript has one number type for both
    case "boolean":
    case "string":
      return t.type;
    case "object":
      if (t.additionalProperties) return `map<${schemaType(t.additionalProperties)}>`;
  }
  throw new Error(`schema type ${JSON.stringify(t)} has no TypeScript spelling in this test`);
}

function schemaShape(props: Record<string, SchemaType>): Shape {
  return Object.fromEntries(Object.entries(props).map(([k, v]) => [k, schemaType(v)]));
}

/** The declared type with pulumi.Input<>/Output<> and `| undefined` peeled off. */
function sdkType(node: ts.TypeNode): string {
  if (ts.isTypeReferenceNode(node)) {
    const name = node.typeName.getText();
    if ((name === "pulumi.Input" || name === "pulumi.Output") && node.typeArguments?.length === 1)
      return sdkType(node.typeArguments[0]);
  }
  if (ts.isUnionTypeNode(node)) {
    const kept = node.types.filter((t) => t.kind !== ts.SyntaxKind.UndefinedKeyword);
    if (kept.length === 1) return sdkType(kept[0]);
  }
  if (ts.isTypeLiteralNode(node) && node.members.length === 1) {
    const index = node.members[0];
    if (ts.isIndexSignatureDeclaration(index) && index.type) return `map<${sdkType(index.type)}>`;
  }
  switch (node.kind) {
    case ts.SyntaxKind.NumberKeyword:
      return "number";
    case ts.SyntaxKind.BooleanKeyword:
      return "boolean";
    case ts.SyntaxKind.StringKeyword:
      return "string";
  }
  throw new Error(`SDK type ${node.getText()} has no spelling in this test`);
}

function mayBeUndefined(node: ts.TypeNode): boolean {
  return (
    (ts.isTypeReferenceNode(node) && node.typeArguments?.some(mayBeUndefined)) ||
    (ts.isUnionTypeNode(node) && node.types.some((t) => t.kind === ts.SyntaxKind.UndefinedKeyword))
  );
}

interface SdkDeclarations {
  args: Shape;
  requiredArgs: string[];
  state: Shape;
  outputs: Shape;
  /** Outputs typed without `| undefined`: the ones the provider always sets. */
  requiredOutputs: string[];
}

/** RandomPasswordArgs, RandomPasswordState and the class's outputs, from randomPassword.d.ts. */
function sdkDeclarations(): SdkDeclarations {
  const file = path.join(SDK_DIR, "randomPassword.d.ts");
  const source = ts.createSourceFile(
    file,
    fs.readFileSync(file, "utf8"),
    ts.ScriptTarget.Latest,
    true,
  );
  const out: SdkDeclarations = {
    args: {},
    requiredArgs: [],
    state: {},
    outputs: {},
    requiredOutputs: [],
  };
  const members = (name: string) => {
    const decl = source.statements.find(
      (s): s is ts.InterfaceDeclaration | ts.ClassDeclaration =>
        (ts.isInterfaceDeclaration(s) || ts.isClassDeclaration(s)) && s.name?.text === name,
    );
    if (!decl) throw new Error(`${file} declares no ${name}`);
    return decl.members;
  };
  for (const m of members("RandomPasswordArgs")) {
    if (!ts.isPropertySignature(m) || !m.type) continue;
    out.args[m.name.getText()] = sdkType(m.type);
    if (!m.questionToken) out.requiredArgs.push(m.name.getText());
  }
  for (const m of members("RandomPasswordState"))
    if (ts.isPropertySignature(m) && m.type) out.state[m.name.getText()] = sdkType(m.type);
  for (const m of members("RandomPassword")) {
    const readonly = ts.canHaveModifiers(m)
      ? ts.getModifiers(m)?.some((x) => x.kind === ts.SyntaxKind.ReadonlyKeyword)
      : false;
    if (!ts.isPropertyDeclaration(m) || !m.type || !readonly) continue;
    out.outputs[m.name.getText()] = sdkType(m.type);
    if (!mayBeUndefined(m.type)) out.requiredOutputs.push(m.name.getText());
  }
  return out;
}

/** Starts the plugin alone (attach mode: no engine address) and resolves with its gRPC port. */
function startPlugin(file: string): Promise<{ child: ChildProcess; port: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, [], { stdio: ["ignore", "pipe", "pipe"], env });
    let stderr = "";
    child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`${file} printed no port within 60 s; stderr: ${stderr}`));
    }, 60_000);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${file} exited (${code}) before printing its port; stderr: ${stderr}`));
    });
    readline.createInterface({ input: child.stdout! }).once("line", (line) => {
      clearTimeout(timer);
      const port = Number(line.trim());
      if (Number.isInteger(port) && port > 0) resolve({ child, port });
      else reject(new Error(`${file} printed ${JSON.stringify(line)} instead of a port`));
    });
  });
}

describe("the built random provider's schema is @pulumi/random 4.19.1's", () => {
  let child: ChildProcess | undefined;
  let client: ResourceProviderClient;
  let schema: PackageSchema;
  let resource: SchemaResource;
  const sdk = sdkDeclarations();

  beforeAll(async () => {
    env = toolchainEnv();
    const started = await startPlugin(pluginPath());
    child = started.child;
    child.removeAllListeners("exit");
    client = new ResourceProviderClient(
      `127.0.0.1:${started.port}`,
      grpc.credentials.createInsecure(),
    );
    const reply = await new Promise<string>((resolve, reject) =>
      client.getSchema(new GetSchemaRequest(), (err, res) =>
        err ? reject(err) : resolve(res.getSchema()),
      ),
    );
    schema = JSON.parse(reply) as PackageSchema;
    resource = schema.resources[TOKEN];
  }, 120_000);

  afterAll(() => {
    client?.close();
    child?.kill();
  });

  test("the plugin reports the SDK's version, as the engine matches plugins by it", async () => {
    const version = await new Promise<string>((resolve, reject) =>
      client.getPluginInfo(new Empty(), (err, res) =>
        err ? reject(err) : resolve(res.getVersion()),
      ),
    );
    expect(version).toBe(SDK.pulumi.version);
  });

  test("package name and version are the SDK's", () => {
    expect(schema.name).toBe(SDK.pulumi.name);
    expect(schema.version).toBe(SDK.pulumi.version);
    expect(SDK.version).toBe("4.19.1");
  });

  test("RandomPassword has the SDK's token", () => {
    expect(TOKEN).toBe("random:index/randomPassword:RandomPassword");
    expect(Object.keys(schema.resources)).toContain(TOKEN);
    expect(resource).toBeDefined();
  });

  test("every resource token the SDK registers, and no other", () => {
    const sdkTokens = fs
      .readdirSync(SDK_DIR)
      .filter((f) => f.endsWith(".js"))
      .flatMap((f) => {
        const m = /__pulumiType = '(random:[^']+)'/.exec(
          fs.readFileSync(path.join(SDK_DIR, f), "utf8"),
        );
        return m ? [m[1]] : [];
      });
    expect(sdkTokens).toHaveLength(10);
    expect(Object.keys(schema.resources).sort()).toEqual(sdkTokens.sort());
  });

  test("inputs: RandomPasswordArgs' names, types and required ones", () => {
    expect(schemaShape(resource.inputProperties)).toEqual(sdk.args);
    expect([...(resource.requiredInputs ?? [])].sort()).toEqual([...sdk.requiredArgs].sort());
    expect(sdk.requiredArgs).toEqual(["length"]);
  });

  test("state inputs: RandomPasswordState's names and types", () => {
    expect(schemaShape(resource.stateInputs.properties)).toEqual(sdk.state);
  });

  test("outputs: the class's output properties, and the ones always set", () => {
    expect(schemaShape(resource.properties)).toEqual(sdk.outputs);
    expect([...(resource.required ?? [])].sort()).toEqual([...sdk.requiredOutputs].sort());
    // keepers and overrideSpecial are the SDK's `| undefined` outputs.
    expect(Object.keys(sdk.outputs).filter((k) => !sdk.requiredOutputs.includes(k))).toEqual([
      "keepers",
      "overrideSpecial",
    ]);
  });

  test("the secret outputs are the ones the SDK adds to additionalSecretOutputs", () => {
    const fromSdk = /additionalSecretOutputs: \[([^\]]*)\]/.exec(SDK_JS)?.[1];
    const sdkSecrets = (fromSdk ?? "").split(",").map((s) => s.trim().replace(/^"|"$/g, ""));
    const schemaSecrets = Object.entries(resource.properties)
      .filter(([, p]) => p.secret)
      .map(([k]) => k);
    expect(schemaSecrets.sort()).toEqual(sdkSecrets.sort());
    expect(sdkSecrets.sort()).toEqual(["bcryptHash", "result"]);
  });
});

// ---------------------------------------------------------------------------------------------
// 2. A state in the release provider's shape previews `same`
// ---------------------------------------------------------------------------------------------

const PROJECT = "random-release-state";
const PASSWORD = "app-password";
/** What components/postgres-cluster.ts asks for (its APP_PASSWORD_LENGTH, no special characters). */
const ARGS = { length: 32, special: false } as const;

/** A secret as `pulumi stack export --show-secrets` writes it (the engine's secret signature). */
function plaintextSecret(value: string): Record<string, string> {
  return {
    "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
    plaintext: JSON.stringify(value),
  };
}

/**
 * A checkpoint of one RandomPassword as the release provider writes it, with the project's own
 * values (a 32-character password and its bcrypt hash, cost 10 as Terraform's random uses,
 * generated for this test; they guard nothing).
 *
 * The shape of the RandomPassword resource (id "none"; inputs only as given; outputs with
 * `__meta` = {"schema_version":"3"}, every Terraform attribute under its camelCase name,
 * `result` and `bcryptHash` as secrets; additionalSecretOutputs) is that of the state written by
 * the released pulumi-resource-random v4.16.0 that pulumi-random records for its own upgrade
 * test: github.com/pulumi/pulumi-random,
 * provider/testdata/recorded/TestProviderUpgrade/index_randompassword/4.16.0/stack.json.
 * Releases from bridge v3.10x on also write `__pulumi_raw_state_delta`; a state without it (as
 * here, and as every state from before) is recovered from the outputs alone, which is the
 * harder case. The stack and default-provider entries are as engine v3 writes them for an SDK
 * that asks for random 4.19.1 (apitype.ResourceV3; the provider is `default_4_19_1`).
 */
const ENGINE = "v3.274.1";

function releaseCheckpoint(stack: string, passphraseSalt: string): Deployment {
  const prefix = `urn:pulumi:${stack}::${PROJECT}::`;
  const stackUrn = `${prefix}pulumi:pulumi:Stack::${PROJECT}-${stack}`;
  const providerUrn = `${prefix}pulumi:providers:random::default_4_19_1`;
  const providerId = "3c0f7ad9-51d4-4f0e-9a51-2f6c4b8e7d10";
  return {
    version: 3,
    deployment: {
      // The engine checks the magic cookie on import: the sha256 of the manifest's version.
      manifest: {
        time: "2026-01-30T09:12:44.000Z",
        magic: createHash("sha256").update(ENGINE).digest("hex"),
        version: ENGINE,
      },
      // The stack's own passphrase secrets manager: the engine re-encrypts the plaintext secrets
      // below with it when it saves the imported state.
      secrets_providers: { type: "passphrase", state: { salt: passphraseSalt } },
      resources: [
        { urn: stackUrn, custom: false, type: "pulumi:pulumi:Stack" },
        {
          urn: providerUrn,
          custom: true,
          id: providerId,
          type: "pulumi:providers:random",
          inputs: { version: "4.19.1" },
          outputs: { version: "4.19.1" },
        },
        {
          urn: `${prefix}random:index/randomPassword:RandomPassword::${PASSWORD}`,
          custom: true,
          id: "none",
          type: "random:index/randomPassword:RandomPassword",
          inputs: { ...ARGS },
          outputs: {
            __meta: '{"schema_version":"3"}',
            bcryptHash: plaintextSecret(
              "$2a$10$wl9F1PINVvwbUAD3YrMCtu5R.kNErAvmpaXtglSpVrKRkSRzO/ENW",
            ),
            id: "none",
            length: ARGS.length,
            lower: true,
            minLower: 0,
            minNumeric: 0,
            minSpecial: 0,
            minUpper: 0,
            number: true,
            numeric: true,
            result: plaintextSecret("bRjDpWnFeny1LodgjbYsQ3q5t5QMZ6Pu"),
            special: false,
            upper: true,
          },
          parent: stackUrn,
          provider: `${providerUrn}::${providerId}`,
          propertyDependencies: { length: [], special: [] },
          additionalSecretOutputs: ["bcryptHash", "result"],
        },
      ],
    },
  };
}

/** The directory holding the toolchain's `pulumi`, for PulumiCommand (not the one on PATH). */
function cliRoot(): string {
  for (const dir of (env.PATH ?? "").split(path.delimiter))
    if (dir && fs.existsSync(path.join(dir, "pulumi"))) return path.dirname(dir);
  throw new Error("no pulumi on the toolchain's PATH: run tools/parts/pulumi-toolchain.sh");
}

describe("a checkpoint in the shape the release provider writes previews same with the built provider", () => {
  let backend: string;
  let stack: InlineStack<RandomSpec>;
  /** Where the stacks live; each operation runs in a Node process of its own (inline/driver.ts). */
  let stackSpec: (stackName: string) => InlineStackSpec;

  /** The program (inline/random-program.ts): the password, with `length`. */
  const program = (length: number): RandomSpec => ({ name: PASSWORD, ...ARGS, length });

  beforeAll(async () => {
    env = toolchainEnv();
    backend = fs.mkdtempSync(path.join(os.tmpdir(), "random-release-state-"));
    // The stack settings (the passphrase salt) must outlive each driver process.
    const workDir = path.join(backend, "work");
    fs.mkdirSync(workDir);
    const pulumiRoot = cliRoot();
    const envVars: Record<string, string> = {};
    for (const key of [
      "PULUMI_HOME",
      "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION",
      "PULUMI_SKIP_UPDATE_CHECK",
      "PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK",
    ])
      envVars[key] = env[key] ?? "";
    envVars.PULUMI_BACKEND_URL = `file://${backend}`;
    envVars.PULUMI_CONFIG_PASSPHRASE = "random-provider-e2e-not-a-secret";
    stackSpec = (stackName) => ({
      stackName,
      projectName: PROJECT,
      pulumiRoot,
      workDir,
      projectSettings: { name: PROJECT, runtime: "nodejs" },
      envVars,
    });
    stack = inlineStack<RandomSpec>(stackSpec("release"), "random-program");
    const salt = (await stack.select()).encryptionSalt;
    if (!salt) throw new Error("stack release has no passphrase encryption salt");
    await stack.importStack(releaseCheckpoint("release", salt));
  }, 120_000);

  afterAll(() => {
    if (backend) fs.rmSync(backend, { recursive: true, force: true });
  });

  /** The preview's steps for the RandomPassword (a replace is several), and its summary. */
  async function previewPassword(length: number): Promise<{ ops: OpType[]; summary: object }> {
    const result = await stack.preview(program(length));
    const ops = result.steps.filter((s) => s.type === TOKEN).map((s) => s.op);
    return { ops, summary: result.changeSummary ?? {} };
  }

  test("the same RandomPassword: every step is same", async () => {
    const { ops, summary } = await previewPassword(ARGS.length);
    expect(ops).toEqual(["same"]);
    // The stack and the password; nothing else in the summary.
    expect(summary).toEqual({ same: 2 });
  }, 300_000);

  test("a different length on the same state is a replace: the provider did compare", async () => {
    const { ops, summary } = await previewPassword(ARGS.length + 1);
    expect(ops).toContain("replace");
    expect(summary).toEqual({ same: 1, replace: 1 });
  }, 300_000);

  test("an up with the built provider writes the same shape, plus the bridge's raw-state delta", async () => {
    const fresh = inlineStack<RandomSpec>(stackSpec("fresh"), "random-program");
    const up = await fresh.up(program(ARGS.length));
    expect(up.summary?.result).toBe("succeeded");
    // The checkpoint as the engine wrote it to the backend (the Automation API's export would
    // decrypt the secrets; this file holds them as ciphertext, so nothing secret can show).
    const file = path.join(backend, ".pulumi", "stacks", PROJECT, "fresh.json");
    const checkpoint = JSON.parse(fs.readFileSync(file, "utf8")) as {
      checkpoint: { latest: Deployment["deployment"] };
    };
    const written = checkpoint.checkpoint.latest.resources.find(
      (r: { type: string }) => r.type === TOKEN,
    );
    const fixture = releaseCheckpoint("fresh", "unused").deployment.resources.find(
      (r: { type: string }) => r.type === TOKEN,
    );
    expect(Object.keys(written.outputs).sort()).toEqual(
      [...Object.keys(fixture.outputs), "__pulumi_raw_state_delta"].sort(),
    );
    expect(Object.keys(written.inputs).sort()).toEqual(Object.keys(fixture.inputs).sort());
    expect(written.id).toBe("none");
    expect(written.outputs.__meta).toBe(fixture.outputs.__meta);
    expect([...written.additionalSecretOutputs].sort()).toEqual(["bcryptHash", "result"]);
    for (const key of ["result", "bcryptHash"])
      expect(Object.keys(written.outputs[key]).sort()).toEqual([
        "4dabf18193072939515e22adb298388d",
        "ciphertext",
      ]);
  }, 300_000);
});

describe("tools/parts/random-provider/build.sh", () => {
  test("refuses a version its module pins are not for, and says how to fix it", () => {
    const out = path.join(os.tmpdir(), "random-provider-never-built");
    const r = spawnSync(
      "bash",
      [path.join(ROOT, "tools/parts/random-provider/build.sh"), out, "4.20.0"],
      {
        encoding: "utf8",
      },
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("version 4.20.0 is not the one this build is pinned to (4.19.1)");
    expect(r.stderr).toContain("@pulumi/random in package.json");
    expect(fs.existsSync(out)).toBe(false);
  });

  test("--stamp names the version and the glue's sources, so an edit to them rebuilds", () => {
    const r = spawnSync(
      "bash",
      [path.join(ROOT, "tools/parts/random-provider/build.sh"), "--stamp", "4.19.1"],
      {
        encoding: "utf8",
      },
    );
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toMatch(/^v4\.19\.1\+[0-9a-f]{16}$/);
  });
});
