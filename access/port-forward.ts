/**
 * `kubectl port-forward` to a Service on a local port kubectl picks (`:<port>`, so no port is
 * raced for), for as long as `use` runs; kubectl is stopped on every exit path. Its output goes
 * to a buffer, never to ours: an inherited pipe would keep Pulumi waiting while kubectl lives.
 */
import { spawn } from "node:child_process";

export interface ForwardTarget {
  namespace: string;
  service: string;
  port: number;
  context?: string;
  kubectl?: string;
}

export class PortForwardError extends Error {
  override name = "PortForwardError";
}

/** How long kubectl may take to report the forward: a slow API server, not a dead one. */
const FORWARD_WAIT_MS = 30_000;

export async function withPortForward<T>(
  target: ForwardTarget,
  use: (localUrl: string) => Promise<T>,
): Promise<T> {
  const args = [
    "port-forward",
    "--address",
    "127.0.0.1",
    ...(target.context ? ["--context", target.context] : []),
    "-n",
    target.namespace,
    `svc/${target.service}`,
    `:${target.port}`,
  ];
  const shown = `svc/${target.service} in namespace ${target.namespace}${target.context ? ` (context ${target.context})` : ""}`;
  const kubectl = spawn(target.kubectl ?? "kubectl", args, { stdio: ["ignore", "pipe", "pipe"] });
  let said = "";
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(
          new PortForwardError(
            `kubectl port-forward to ${shown} reported no forward in ${FORWARD_WAIT_MS / 1000} s`,
          ),
        ),
      FORWARD_WAIT_MS,
    );
    const listen = (chunk: Buffer) => {
      said += chunk.toString("utf8");
      const match = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(said);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    kubectl.stdout.on("data", listen);
    kubectl.stderr.on("data", listen);
    kubectl.on("error", (err) => {
      clearTimeout(timer);
      reject(
        new PortForwardError(
          `kubectl could not start (${err.message}): install it, or use direct mode`,
        ),
      );
    });
    kubectl.on("exit", (code) => {
      clearTimeout(timer);
      const last = said.trim().split("\n").slice(-2).join(" ");
      reject(
        new PortForwardError(
          `kubectl port-forward to ${shown} exited with ${code}${last ? `: ${last}` : ""}`,
        ),
      );
    });
  }).catch((err: unknown) => {
    kubectl.kill("SIGKILL");
    throw err;
  });
  try {
    return await use(`http://127.0.0.1:${port}`);
  } finally {
    kubectl.kill("SIGTERM");
  }
}
