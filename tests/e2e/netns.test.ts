/**
 * The e2e tests, the local cluster and the engine run inside the project's network namespace
 * (tools/parts/netns.sh; `npm run test:e2e` enters it after the builds). There, only loopback exists:
 * the cluster's Service and pod addresses (10.96.0.0/16, 10.244.0.0/16 from kwok) lead nowhere,
 * so a dial to them fails at once instead of sending packets towards the machine's network.
 */
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import { insideNetns } from "../../tools/lib/netns";
import type { LocalCluster } from "../../tools/parts/local-cluster/cluster";
import { e2eCluster, freshNamespace } from "./local-cluster";

const NAMESPACE = "netns-probe";

/** Connects to host:port; resolves with the error code (or "connected") and the time it took. */
function dial(host: string, port: number): Promise<{ outcome: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (outcome: string) => {
      socket.destroy();
      resolve({ outcome, ms: Date.now() - started });
    };
    socket.setTimeout(5000, () => done("timeout"));
    socket.on("connect", () => done("connected"));
    socket.on("error", (err: NodeJS.ErrnoException) => done(err.code ?? err.message));
  });
}

let cluster: LocalCluster;

beforeAll(() => {
  cluster = e2eCluster();
  freshNamespace(cluster, NAMESPACE);
  const created = cluster.kubectl(["create", "namespace", NAMESPACE]);
  if (created.status !== 0) throw new Error(`kubectl create namespace: ${created.stderr}`);
});

test("this test process runs inside the project's namespace", () => {
  expect(insideNetns()).toBe(true);
});

test("inside, only loopback is visible: none of the machine's own interfaces", () => {
  expect(Object.keys(os.networkInterfaces())).toEqual(["lo"]);
  // PID 1 stays in the machine's namespace: its view lists the interfaces we must not see.
  const machine = fs
    .readFileSync("/proc/1/net/dev", "utf8")
    .split("\n")
    .slice(2)
    .map((line) => line.split(":")[0].trim())
    .filter((name) => name !== "");
  expect(machine).toContain("lo");
  for (const name of machine.filter((n) => n !== "lo")) {
    expect(Object.keys(os.networkInterfaces())).not.toContain(name);
  }
});

test("a connection to a Service IP of the cluster fails at once", async () => {
  const ip = cluster.kubectl([
    "get",
    "service",
    "kubernetes",
    "-n",
    "default",
    "-o",
    "jsonpath={.spec.clusterIP}",
  ]).stdout;
  expect(ip).toMatch(/^10\.96\./);
  const r = await dial(ip, 443);
  expect(r.outcome).toBe("ENETUNREACH");
  expect(r.ms).toBeLessThan(1000);
});

test("a connection to a pod IP kwok handed out fails at once", async () => {
  const created = cluster.kubectl([
    "run",
    "probe",
    "-n",
    NAMESPACE,
    "--image=registry.invalid/probe:1",
    "--restart=Never",
  ]);
  expect(created.stderr).toBe("");
  let ip = "";
  for (let i = 0; i < 100 && !ip; i++) {
    ip = cluster.kubectl([
      "get",
      "pod",
      "probe",
      "-n",
      NAMESPACE,
      "-o",
      "jsonpath={.status.podIP}",
    ]).stdout;
    if (!ip) await new Promise((r) => setTimeout(r, 200));
  }
  expect(ip).toMatch(/^10\.244\./);
  // The port the CloudNative-PG operator calls every instance on.
  const r = await dial(ip, 8000);
  expect(r.outcome).toBe("ENETUNREACH");
  expect(r.ms).toBeLessThan(1000);
});

afterAll(() => {
  cluster?.kubectl(["delete", "namespace", NAMESPACE, "--wait=false"]);
});
