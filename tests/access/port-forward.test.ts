/**
 * access/port-forward.ts with a STAND-IN for kubectl (a script of this test's own): it records
 * its arguments, listens on loopback and says what `kubectl port-forward` says, or fails as
 * kubectl does for a missing Service.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PortForwardError, withPortForward } from "../../access/port-forward";

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "access-pf-"));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function fakeKubectl(body: string): string {
  const file = path.join(dir, "kubectl");
  fs.writeFileSync(
    file,
    `#!${process.execPath}\nrequire("fs").writeFileSync(${JSON.stringify(path.join(dir, "args"))}, JSON.stringify(process.argv.slice(2)));\n${body}\n`,
    { mode: 0o755 },
  );
  return file;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test("forwards for as long as the work runs, on the port kubectl picked, then stops kubectl", async () => {
  const kubectl = fakeKubectl(`
    const server = require("http").createServer((_q, r) => r.end("through the forward"));
    server.listen(0, "127.0.0.1", () => {
      require("fs").writeFileSync(${JSON.stringify(path.join(dir, "pid"))}, String(process.pid));
      console.log("Forwarding from 127.0.0.1:" + server.address().port + " -> 1337");
    });`);
  const answer = await withPortForward(
    { namespace: "nightscout", service: "ns-web", port: 1337, context: "home", kubectl },
    async (url) => (await fetch(url)).text(),
  );
  expect(answer).toBe("through the forward");
  expect(JSON.parse(fs.readFileSync(path.join(dir, "args"), "utf8"))).toEqual([
    "port-forward",
    "--address",
    "127.0.0.1",
    "--context",
    "home",
    "-n",
    "nightscout",
    "svc/ns-web",
    ":1337",
  ]);
  const pid = Number(fs.readFileSync(path.join(dir, "pid"), "utf8"));
  for (let i = 0; i < 50 && alive(pid); i++) await new Promise((r) => setTimeout(r, 50));
  expect(alive(pid)).toBe(false);
});

test("names the Service and what kubectl said when the forward fails", async () => {
  const kubectl = fakeKubectl(`
    console.error('error: services "ns-web" not found');
    process.exit(1);`);
  const work = jest.fn();
  const error = await withPortForward(
    { namespace: "nightscout", service: "ns-web", port: 1337, kubectl },
    work,
  ).catch((e: unknown) => e);
  expect(error).toEqual(
    new PortForwardError(
      'kubectl port-forward to svc/ns-web in namespace nightscout exited with 1: error: services "ns-web" not found',
    ),
  );
  expect(work).not.toHaveBeenCalled();
});

test("says so when kubectl is not there", async () => {
  await expect(
    withPortForward(
      { namespace: "n", service: "s", port: 1, kubectl: path.join(dir, "no-kubectl") },
      jest.fn(),
    ),
  ).rejects.toThrow(
    /^kubectl could not start \(spawn .* ENOENT\): install it, or use direct mode$/,
  );
});
