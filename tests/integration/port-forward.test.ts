/**
 * check/port-forward.sh with a stand-in kubectl that really forwards a local port to the
 * test FerretDB: the in-cluster URI is rewritten, the check passes through the forward, and
 * the forward is gone afterwards on every exit path (success, failure, SIGTERM, SIGKILL).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CHECK_EXIT_CODES as EXIT_CODES } from "../../domain";
import { lines, runPortForward, startPortForward, type Run } from "./cli";
import { freePort, startHarness, type Harness } from "./harness";
import { expectNoSecret, leakForms } from "../helpers/leaks";

// Behaves like `kubectl port-forward --address 127.0.0.1 ... svc/NAME LOCAL:REMOTE` for the
// parts the wrapper relies on: the "Forwarding from" line, forwarding, exiting on SIGTERM.
const FAKE_KUBECTL = `#!/usr/bin/env node
const fs = require("node:fs");
const net = require("node:net");
const args = process.argv.slice(2);
fs.writeFileSync(process.env.FAKE_KUBECTL_RECORD, JSON.stringify({ pid: process.pid, args }));
if (process.env.FAKE_KUBECTL_MODE === "fail") {
  console.error('Error from server (NotFound): services "' + args[args.length - 2].slice(4) + '" not found');
  process.exit(1);
}
const [local, remote] = args[args.length - 1].split(":");
const [host, port] = process.env.FAKE_KUBECTL_TARGET.split(":");
const server = net.createServer((client) => {
  const upstream = net.connect(Number(port), host);
  client.pipe(upstream).pipe(client);
  client.on("error", () => upstream.destroy());
  upstream.on("error", () => client.destroy());
});
server.on("error", (err) => {
  console.error("Unable to listen on port " + local + ": " + err.message);
  process.exit(1);
});
server.listen(Number(local), "127.0.0.1", () =>
  console.log("Forwarding from 127.0.0.1:" + local + " -> " + remote),
);
process.on("SIGTERM", () => process.exit(0));
`;

let h: Harness;
let tmp: string;
let kubectl: string;
let record: string;

beforeAll(async () => {
  h = await startHarness();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "nscheck-pf-"));
  kubectl = path.join(tmp, "kubectl");
  fs.writeFileSync(kubectl, FAKE_KUBECTL, { mode: 0o755 });
  record = path.join(tmp, "kubectl.json");
});

afterAll(async () => {
  await h?.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

/** Where the wrapper keeps its temporary files, to check that it removes them. */
let scratch: string;
beforeEach(() => {
  fs.rmSync(record, { force: true });
  scratch = fs.mkdtempSync(path.join(tmp, "scratch-"));
});

/** The wrapper's own temporary directories (TypeScript's compile cache may sit beside them). */
function leftovers(): string[] {
  return fs.readdirSync(scratch).filter((name) => name.startsWith("postdeploy-pf."));
}

function inClusterUri(password = h.password): string {
  return (
    `mongodb://${h.username}:${encodeURIComponent(password)}` +
    `@ferretdb.nightscout.svc.cluster.local:27017/${h.database}?authSource=${h.database}`
  );
}

function env(overrides: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    MONGODB_URI: inClusterUri(),
    CHECK_PF_NAMESPACE: "nightscout",
    CHECK_PF_SERVICE: "ferretdb",
    CHECK_PF_SERVICE_PORT: "27017",
    CHECK_KUBE_CONTEXT: "homelab",
    CHECK_DEADLINE_MS: "30000",
    KUBECTL: kubectl,
    TMPDIR: scratch,
    FAKE_KUBECTL_RECORD: record,
    FAKE_KUBECTL_TARGET: `127.0.0.1:${h.ferretPort}`,
    ...overrides,
  };
}

function kubectlCall(): { pid: number; args: string[] } {
  return JSON.parse(fs.readFileSync(record, "utf8")) as { pid: number; args: string[] };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function eventually(condition: () => boolean, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (condition()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return condition();
}

/** The pid of check/cli.ts, which the wrapper notes in its temporary directory. */
function checkPid(): number {
  const [dir] = leftovers();
  return Number(fs.readFileSync(path.join(scratch, dir, "cli.pid"), "utf8"));
}

async function run(overrides: NodeJS.ProcessEnv = {}): Promise<Run> {
  const result = await runPortForward(env(overrides));
  expectNoSecret({ stdout: result.stdout, stderr: result.stderr }, leakForms(h.password));
  return result;
}

it("forwards a free local port to the Service and checks through it", async () => {
  const result = await run();
  expect(result.stderr).toBe("");
  expect(result.code).toBe(EXIT_CODES.ok);
  const out = lines(result.stdout);
  expect(out).toHaveLength(1);
  expect(JSON.parse(out[0])).toMatchObject({ ok: true, attempts: 1 });

  const call = kubectlCall();
  expect(call.args.slice(0, -1)).toEqual([
    "port-forward",
    "--address",
    "127.0.0.1",
    "--context",
    "homelab",
    "-n",
    "nightscout",
    "svc/ferretdb",
  ]);
  expect(call.args[call.args.length - 1]).toMatch(/^\d+:27017$/);
  expect(alive(call.pid)).toBe(false);
  expect(leftovers()).toEqual([]);
});

it("uses kubectl's current context when none is given", async () => {
  const result = await run({ CHECK_KUBE_CONTEXT: "" });
  expect(result.code).toBe(EXIT_CODES.ok);
  expect(kubectlCall().args).not.toContain("--context");
});

it("a failing check still tears the forward down, and names the forward", async () => {
  const result = await run({ MONGODB_URI: inClusterUri("wrong-password") });
  expect(result.code).toBe(EXIT_CODES.auth);
  const err = lines(result.stderr);
  expect(err.join("\n")).toMatch(
    /post-deploy-check: authentication failed: mongodb:\/\/\*\*\*@ferretdb\.nightscout\.svc\.cluster\.local:27017\/nightscout via 127\.0\.0\.1:\d+ rejected the credentials/,
  );
  expect(err).toContain(
    "post-deploy-check: the check ran through kubectl port-forward to svc/ferretdb in namespace nightscout (context homelab)",
  );
  expect(alive(kubectlCall().pid)).toBe(false);
  expect(leftovers()).toEqual([]);
});

it("kubectl failing to forward: 'unreachable' with kubectl's own error", async () => {
  const result = await run({ FAKE_KUBECTL_MODE: "fail" });
  expect(result.code).toBe(EXIT_CODES.unreachable);
  expect(lines(result.stderr)).toEqual([
    "post-deploy-check: unreachable: kubectl port-forward to svc/ferretdb in namespace nightscout (context homelab) port 27017 did not start",
    "post-deploy-check: kubectl port-forward said:",
    'post-deploy-check:   Error from server (NotFound): services "ferretdb" not found',
  ]);
  expect(leftovers()).toEqual([]);
});

it("missing Service settings: usage error before anything starts", async () => {
  const result = await run({ CHECK_PF_SERVICE: "" });
  expect(result.code).toBe(EXIT_CODES.usage);
  expect(result.stderr).toContain("CHECK_PF_SERVICE is empty");
  expect(fs.existsSync(record)).toBe(false);
});

it("no CHECK_DEADLINE_MS: a usage error naming it (the wrapper has no default of its own)", async () => {
  const result = await run({ CHECK_DEADLINE_MS: "" });
  expect(result.code).toBe(EXIT_CODES.usage);
  expect(lines(result.stderr)).toEqual([
    "post-deploy-check: usage: CHECK_DEADLINE_MS is not set: pass the deadline in milliseconds (PostDeployCheck always does)",
  ]);
  expect(fs.existsSync(record)).toBe(false);
});

describe("interrupted while the check retries", () => {
  // Forward to a port nobody listens on, so the check keeps retrying "unreachable".
  let deadPort: number;
  beforeAll(async () => {
    deadPort = await freePort();
  });

  // 1 s attempts: the first failure, the signal these tests wait for, comes within a second.
  const startRetrying = (): ReturnType<typeof startPortForward> =>
    startPortForward(
      env({
        FAKE_KUBECTL_TARGET: `127.0.0.1:${deadPort}`,
        CHECK_DEADLINE_MS: "60000",
        CHECK_ATTEMPT_TIMEOUT_MS: "1000",
      }),
    );

  it("SIGTERM: exits at once and stops kubectl and the check", async () => {
    const wrapper = startRetrying();
    // The check has started and failed once through the forward: it is retrying now.
    await wrapper.untilStderr(/attempt 1 failed/);
    const check = checkPid();
    expect(alive(check)).toBe(true);
    const signalledAt = Date.now();
    process.kill(wrapper.pid, "SIGTERM");
    const result = await wrapper.done;
    expectNoSecret({ stdout: result.stdout, stderr: result.stderr }, leakForms(h.password));
    expect(result.code).toBe(143);
    expect(Date.now() - signalledAt).toBeLessThan(5_000);
    expect(alive(kubectlCall().pid)).toBe(false);
    expect(alive(check)).toBe(false);
    expect(leftovers()).toEqual([]);
  });

  it("SIGKILL (how Pulumi cancels): the watchdog stops kubectl and the check", async () => {
    const wrapper = startRetrying();
    await wrapper.untilStderr(/attempt 1 failed/);
    const check = checkPid();
    expect(alive(check)).toBe(true);
    const signalledAt = Date.now();
    process.kill(wrapper.pid, "SIGKILL");
    // `close` fires once every holder of the output pipes (the check included) is gone.
    const result = await wrapper.done;
    expectNoSecret({ stdout: result.stdout, stderr: result.stderr }, leakForms(h.password));
    expect(result.signal).toBe("SIGKILL");
    expect(Date.now() - signalledAt).toBeLessThan(5_000);
    expect(await eventually(() => !alive(kubectlCall().pid), 3_000)).toBe(true);
    expect(await eventually(() => !alive(check), 3_000)).toBe(true);
    expect(await eventually(() => leftovers().length === 0, 3_000)).toBe(true);
  });
});
