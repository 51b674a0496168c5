/**
 * The installed plugin as the engine meets it: tools/parts/command-provider/install.sh writes the
 * launcher, the launcher starts as a process, prints the gRPC port on its first stdout line and
 * answers over gRPC. Also holds install.sh --check to its stamp: version, sources and checkout.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as providerRpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as providerProto from "@pulumi/pulumi/proto/provider_pb";
import type * as pluginProto from "@pulumi/pulumi/proto/plugin_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import {
  COMMAND_TYPE,
  STAND_IN_NOTICE,
  secretWire,
} from "../../../../tools/parts/command-provider/provider";

const REPO = path.resolve(__dirname, "../../../..");
const INSTALL = path.join(REPO, "tools/parts/command-provider/install.sh");
const VERSION = "1.2.1";

let tmp: string;
let pluginDir: string;
let launcher: string;

function check(installScript: string, dir: string, version = VERSION): number {
  return (
    spawnSync("bash", [installScript, "--check", dir, version], { stdio: "ignore" }).status ?? -1
  );
}

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "command-launcher-"));
  pluginDir = path.join(tmp, `resource-command-v${VERSION}`);
  launcher = path.join(pluginDir, "pulumi-resource-command");
  execFileSync("bash", [INSTALL, pluginDir, VERSION], { stdio: "pipe" });
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("the running plugin", () => {
  let child: ChildProcess;
  let client: providerRpc.ResourceProviderClient;
  let stderr = "";

  beforeAll(async () => {
    child = spawn(launcher, [], { stdio: ["ignore", "pipe", "pipe"] });
    child.stderr!.on("data", (b: Buffer) => (stderr += b.toString()));
    const firstLine = await new Promise<string>((resolve, reject) => {
      let out = "";
      const timer = setTimeout(
        () => reject(new Error(`no port in 10 s; stderr: ${stderr}`)),
        10000,
      );
      child.stdout!.on("data", (b: Buffer) => {
        out += b.toString();
        if (out.includes("\n")) {
          clearTimeout(timer);
          resolve(out.split("\n")[0]);
        }
      });
      child.on("exit", (code) => reject(new Error(`launcher exited ${code}; stderr: ${stderr}`)));
    });
    expect(firstLine).toMatch(/^\d+$/);
    client = new providerRpc.ResourceProviderClient(
      `127.0.0.1:${firstLine}`,
      grpc.credentials.createInsecure(),
    );
  });

  afterAll(() => {
    client?.close();
    child?.kill();
  });

  test("says on stderr that it is the project's stand-in", () => {
    expect(stderr).toContain(STAND_IN_NOTICE);
    expect(stderr).toContain("not the real provider");
  });

  test("GetPluginInfo answers the installed version", async () => {
    const info = await new Promise<pluginProto.PluginInfo>((resolve, reject) =>
      client.getPluginInfo(new Empty(), (err, res) => (err ? reject(err) : resolve(res))),
    );
    expect(info.getVersion()).toBe(VERSION);
  });

  test("Create over gRPC runs the command and returns secret outputs for a secret input", async () => {
    const req = new providerProto.CreateRequest();
    req.setUrn(`urn:pulumi:test::proj::${COMMAND_TYPE}::over-grpc`);
    req.setProperties(
      Struct.fromJavaScript({
        create: 'echo "got $T"',
        environment: { T: secretWire("tok") } as never,
      }),
    );
    const res = await new Promise<providerProto.CreateResponse>((resolve, reject) =>
      client.create(req, (err, r) => (err ? reject(err) : resolve(r))),
    );
    expect(res.getId()).toMatch(/^over-grpc[0-9a-f]{8}$/);
    expect(res.getProperties()?.toJavaScript().stdout).toEqual(secretWire("got tok"));
  });
});

describe("install.sh --check", () => {
  test("passes for what was just installed, fails for another version or a changed stamp", () => {
    expect(check(INSTALL, pluginDir)).toBe(0);
    expect(check(INSTALL, pluginDir, "1.2.2")).toBe(1);
    const stamp = `${launcher}.stamp`;
    const saved = fs.readFileSync(stamp, "utf8");
    expect(saved).toContain(`version ${VERSION}\n`);
    expect(saved).toMatch(/^sources sha256:[0-9a-f]{64}$/m);
    expect(saved).toContain(`checkout ${REPO}\n`);
    fs.writeFileSync(stamp, saved.replace(/sha256:[0-9a-f]{4}/, "sha256:0000"));
    expect(check(INSTALL, pluginDir)).toBe(1);
    fs.writeFileSync(stamp, saved);
    expect(check(INSTALL, path.join(tmp, "nothing-here"))).toBe(1);
  });

  test("another checkout, then an edited provider, make the install stale", () => {
    const clone = path.join(tmp, "clone");
    fs.mkdirSync(path.join(clone, "tools"), { recursive: true });
    fs.cpSync(
      path.join(REPO, "tools/parts/command-provider"),
      path.join(clone, "tools/parts/command-provider"),
      {
        recursive: true,
      },
    );
    fs.copyFileSync(path.join(REPO, "tsconfig.json"), path.join(clone, "tsconfig.json"));
    fs.symlinkSync(path.join(REPO, "node_modules"), path.join(clone, "node_modules"));
    const cloneInstall = path.join(clone, "tools/parts/command-provider/install.sh");
    expect(check(cloneInstall, pluginDir)).toBe(1);

    const cloneDir = path.join(tmp, "clone-plugin");
    execFileSync("bash", [cloneInstall, cloneDir, VERSION], { stdio: "pipe" });
    expect(check(cloneInstall, cloneDir)).toBe(0);
    expect(fs.readFileSync(path.join(cloneDir, "pulumi-resource-command"), "utf8")).toContain(
      `${clone}/tools/parts/command-provider/main.ts`,
    );
    fs.appendFileSync(
      path.join(clone, "tools/parts/command-provider/provider.ts"),
      "\n// edited\n",
    );
    expect(check(cloneInstall, cloneDir)).toBe(1);
  });

  test("refuses a version that is not semver, saying so", () => {
    const r = spawnSync("bash", [INSTALL, path.join(tmp, "x"), "v1"], { encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("is not a semver version");
  });
});
