/**
 * The project's stand-in for pulumi-command (tools/parts/command-provider) under the real engine
 * (CLI and PULUMI_HOME from tools/parts/pulumi-toolchain.sh, which installs the stand-in as
 * resource-command-v1.2.1): `@pulumi/command` 1.2.1's `local.Command` in an inline program on a
 * file backend in a temp dir. Holds the semantics the program (components/post-deploy-check.ts)
 * relies on: nothing runs in preview, create runs once, an unchanged up runs nothing, changed
 * triggers replace (create first, then delete with the old stdout), other changes update, secret
 * inputs and additionalSecretOutputs leave no plaintext in the checkpoint, a failing command
 * fails the up with its output, destroy runs delete. Each operation runs in a Node process of its
 * own (inline/driver.ts), so that the SDK's runtime and the program's leftovers stay out of jest.
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { OpMap } from "@pulumi/pulumi/automation";
import { toolchainEnv } from "../../tools/lib/offline-engine";
import { expectNoSecret, findSecret } from "../helpers/leaks";
import { inlineStack, type InlineStack } from "./inline/client";
import type { InlineResult } from "./inline/protocol";
import type { CommandSpec } from "./inline/command-program";

const PROJECT = "command-stand-in";
const STACK = "e2e";
const TYPE = "command:local:Command";
const NOTICE = "the nightscout-stack project's stand-in for pulumi-command";

/** What the next run of the program (inline/command-program.ts) declares; tests change it. */
const spec = { trigger: "1", v: "1", fail: false };
const token = `tok-${randomBytes(12).toString("hex")}`;

let base: string;
let logFile: string;
/** The stack, each operation in a Node process of its own (inline/driver.ts). */
let stack: InlineStack<CommandSpec>;

/** The commands that ran so far, one line each, in order. */
function ran(): string[] {
  return fs.existsSync(logFile) ? fs.readFileSync(logFile, "utf8").split("\n").filter(Boolean) : [];
}

/** The program's spec as it stands now. */
function programSpec(): CommandSpec {
  return { ...spec, logFile, token };
}

/** The checkpoint the file backend wrote, as text and as its resources. */
function checkpoint(): { text: string; resources: Record<string, Record<string, unknown>> } {
  const file = path.join(base, "state", ".pulumi", "stacks", PROJECT, `${STACK}.json`);
  const text = fs.readFileSync(file, "utf8");
  const resources: Record<string, Record<string, unknown>> = {};
  const doc = JSON.parse(text) as {
    checkpoint: { latest: { resources?: { type: string; urn: string; outputs: unknown }[] } };
  };
  for (const r of doc.checkpoint.latest.resources ?? []) {
    if (r.type === TYPE) resources[r.urn.split("::").pop()!] = r.outputs as Record<string, unknown>;
  }
  return { text, resources };
}

const isCiphertext = (v: unknown) =>
  typeof v === "object" && v !== null && "ciphertext" in v && !("plaintext" in v);

function changes(r: InlineResult): OpMap {
  return r.summary?.resourceChanges ?? {};
}

beforeAll(async () => {
  const env = toolchainEnv();
  base = fs.mkdtempSync(path.join(os.tmpdir(), "command-e2e-"));
  logFile = path.join(base, "ran.log");
  fs.mkdirSync(path.join(base, "state"));
  // The toolchain's CLI: the first `pulumi` on the PATH it hands out.
  const bin = (env.PATH ?? "")
    .split(":")
    .find((dir) => dir !== "" && fs.existsSync(path.join(dir, "pulumi")));
  if (!bin)
    throw new Error("no pulumi on the toolchain's PATH: run tools/parts/pulumi-toolchain.sh");
  stack = inlineStack<CommandSpec>(
    {
      stackName: STACK,
      projectName: PROJECT,
      pulumiRoot: path.dirname(bin),
      workDir: base,
      projectSettings: {
        name: PROJECT,
        runtime: "nodejs",
        backend: { url: `file://${path.join(base, "state")}` },
      },
      envVars: {
        PULUMI_HOME: env.PULUMI_HOME!,
        PULUMI_CONFIG_PASSPHRASE: "command-e2e-passphrase",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PATH: env.PATH!,
      },
    },
    "command-program",
  );
  await stack.select();
});

afterAll(async () => {
  try {
    await stack?.remove();
  } finally {
    if (base) fs.rmSync(base, { recursive: true, force: true });
  }
});

test("preview runs nothing", async () => {
  const r = await stack.preview(programSpec());
  expect(r.changeSummary?.create).toBe(5); // the stack and four commands
  expect(ran()).toEqual([]);
});

test("up runs each create once; the stand-in says what it is", async () => {
  const r = await stack.up(programSpec());
  const output = `${r.stdout}\n${r.stderr}`;
  expect(changes(r).create).toBe(5);
  expect(ran().sort()).toEqual(["create 1", "upd-create 1"]);
  expect(r.outputs?.plain).toEqual({ value: "plain-42", secret: false });
  expect(r.outputs?.upd).toEqual({ value: "v1", secret: false });
  // additionalSecretOutputs, and a secret input, make stdout secret.
  expect(r.outputs?.marked).toEqual({ value: "marked-42", secret: true });
  expect(r.outputs?.main.secret).toBe(true);
  expect(findSecret(r.outputs?.main.value, [token])).toBeDefined();
  expect(output).toContain(NOTICE);
  // Default logging streams stdout to the console; logging: "none" keeps it out.
  expect(output).toMatch(/command:local:Command plain .*plain-42/);
  expectNoSecret(output, [token]);
});

test("the checkpoint holds secrets only as ciphertext", () => {
  const { text, resources } = checkpoint();
  expectNoSecret(text, [token]);
  expect(text).not.toContain("marked-42");
  expect(isCiphertext(resources.main.stdout)).toBe(true);
  expect(isCiphertext(resources.marked.stdout)).toBe(true);
  expect(resources.plain.stdout).toBe("plain-42");
  expect(resources.plain.stderr).toBe("");
});

test("an up with the same inputs runs nothing", async () => {
  const r = await stack.up(programSpec());
  expect(changes(r)).toEqual({ same: 5 });
  expect(ran()).toHaveLength(2);
});

test("changed triggers replace: create the new one, then delete with the old stdout", async () => {
  spec.trigger = "2";
  const r = await stack.up(programSpec());
  expect(changes(r)).toMatchObject({ replace: 1, same: 4 });
  expect(ran().slice(2)).toEqual(["create 2", "delete out-1"]);
  expectNoSecret(checkpoint().text, [token]);
});

test("another changed input updates, running update with the previous stdout", async () => {
  spec.v = "2";
  const r = await stack.up(programSpec());
  expect(changes(r)).toMatchObject({ update: 1, same: 4 });
  expect(ran().slice(4)).toEqual(["upd-update 2 prev=v1"]);
  expect(r.outputs?.upd.value).toBe("v2");
});

test("a failing command fails the up with its exit status and output", async () => {
  spec.fail = true;
  const err: Error = await stack
    .up(programSpec())
    .then(
      () => new Error("up succeeded"),
      (e: Error) => e,
    )
    .finally(() => (spec.fail = false));
  expect(err.message).toContain('exit status 3: running "echo failing-output;');
  expect(err.message).toContain("failing-output");
  expect(err.message).toContain("failing-err");
  expect(Object.keys(checkpoint().resources).sort()).toEqual(["main", "marked", "plain", "upd"]);
});

test("destroy runs delete with the last stdout", async () => {
  const before = ran().length;
  await stack.destroy(programSpec());
  expect(ran().slice(before).sort()).toEqual(["delete out-2", "upd-delete"]);
  expect(checkpoint().resources).toEqual({});
});
