/**
 * `kubectl port-forward` to the stack's FerretDB Service, as check/port-forward.sh sets it
 * up for the post-deploy check: a fresh loopback port, up to three tries (the port can be
 * taken between picking and binding), "Forwarding from" as the sign it is up, and the
 * forward stopped when the migration ends, however it ends.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as net from "node:net";
import { MIGRATE_EXIT_CODES, MigrateError } from "./exit-codes";

export interface Forward {
  /** 127.0.0.1:<port> */
  hostPort: string;
  /** TERM, up to 2 s to exit (kubectl takes milliseconds), then KILL. */
  stop(): Promise<void>;
}

export interface ForwardTarget {
  namespace: string;
  service: string;
  port: number;
  kubeContext?: string;
  kubectl?: string;
}

/** kubectl reports a forward within a second or two; 30 s covers a slow API server. */
const FORWARD_WAIT_MS = 30_000;
const TRIES = 3;

/** Resolves a port nobody listens on right now (the kernel's pick, released at once). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function attempt(target: ForwardTarget, port: number): Promise<ChildProcess | string> {
  const args = ["port-forward", "--address", "127.0.0.1"];
  if (target.kubeContext) args.push("--context", target.kubeContext);
  args.push("-n", target.namespace, `svc/${target.service}`, `${port}:${target.port}`);
  return new Promise((resolve) => {
    const child = spawn(target.kubectl ?? "kubectl", args, { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const timer = setTimeout(() => {
      child.kill("SIGTERM");
      resolve(`no forward within ${FORWARD_WAIT_MS / 1000} s`);
    }, FORWARD_WAIT_MS);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes(`Forwarding from 127.0.0.1:${port}`)) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("error", (err) => {
      clearTimeout(timer);
      resolve(
        `kubectl could not be started (${(err as NodeJS.ErrnoException).code ?? err.message})`,
      );
    });
    child.on("exit", () => {
      clearTimeout(timer);
      resolve(output.trim().split("\n").slice(-3).join(" ") || "kubectl exited");
    });
  });
}

export async function startForward(target: ForwardTarget): Promise<Forward> {
  let last = "";
  for (let i = 0; i < TRIES; i++) {
    const port = await freePort();
    const result = await attempt(target, port);
    if (typeof result !== "string") {
      const alive = (): boolean => result.exitCode === null && result.signalCode === null;
      const kill = (): void => {
        if (alive()) result.kill("SIGKILL");
      };
      // Whatever ends this process, the forward does not outlive it.
      process.once("exit", kill);
      const stop = async (): Promise<void> => {
        if (!alive()) return;
        const exited = new Promise((resolve) => result.once("exit", resolve));
        result.kill("SIGTERM");
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
        kill();
      };
      return { hostPort: `127.0.0.1:${port}`, stop };
    }
    last = result;
    if (!/address already in use/i.test(result)) break;
  }
  throw new MigrateError(
    MIGRATE_EXIT_CODES.unreachable,
    `target unreachable: kubectl port-forward to svc/${target.service} in namespace ` +
      `${target.namespace}${target.kubeContext ? ` (context ${target.kubeContext})` : ""} ` +
      `port ${target.port} did not start: ${last}`,
  );
}
