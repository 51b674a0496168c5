/**
 * The real Nightscout 15.0.7 (built by tools/data-path/build.sh) on the local data path, started
 * with the environment the program renders for its container (local.ts: only the MongoDB
 * address and where it listens differ), plus a stand-in for the Ingress in front of it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { localNightscoutEnv } from "./local";
import { freePort, onExit, sleep, tail } from "./process";
import type { RenderedDataPath } from "./render";
import { dataPathBuild, type LocalDataPath } from "./servers";

export interface LocalNightscout {
  /** Nightscout itself, over plain HTTP. */
  readonly url: string;
  /** The Ingress stand-in: what a browser or uploader reaches (see startIngressStandIn). */
  readonly ingressUrl: string;
  readonly log: string;
  stop(): Promise<void>;
}

/** Boot takes several seconds on two busy cores (plugins, the client bundle, the first queries). */
const BOOT_DEADLINE_MS = 120_000;

/**
 * A STAND-IN for Traefik's TLS termination: it forwards every request to Nightscout with
 * `X-Forwarded-Proto: https`, as the Ingress does after TLS. Nightscout, rendered with
 * INSECURE_USE_HTTP=false, redirects any request that did not come through HTTPS; without this
 * header a local client could not reach it at all. No TLS here, nor the redirect middleware.
 */
export async function startIngressStandIn(target: string): Promise<http.Server> {
  const upstream = new URL(target);
  const server = http.createServer((req, res) => {
    const forwarded = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, "x-forwarded-proto": "https" },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forwarded.on("error", () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  server.unref();
  return server;
}

async function waitForStatus(url: string, child: ChildProcess, log: string): Promise<void> {
  const until = Date.now() + BOOT_DEADLINE_MS;
  let last = "";
  while (Date.now() < until) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `Nightscout exited (${child.exitCode ?? child.signalCode}):\n${tail(log, 40)}`,
      );
    }
    try {
      const res = await fetch(`${url}/api/v1/status.json`, {
        headers: { "x-forwarded-proto": "https" },
        signal: AbortSignal.timeout(5_000),
      });
      if (res.status === 200) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await sleep(500);
  }
  throw new Error(
    `Nightscout did not answer within ${BOOT_DEADLINE_MS} ms (${last}):\n${tail(log, 40)}`,
  );
}

/**
 * Starts Nightscout against the data path's FerretDB with the rendered environment of
 * `rendered` (by default the data path's own; pass another render, e.g. one broken on purpose).
 */
export async function startNightscout(
  dataPath: LocalDataPath,
  rendered: RenderedDataPath = dataPath.rendered,
): Promise<LocalNightscout> {
  const appDir = dataPathBuild().NIGHTSCOUT_DIR;
  const port = await freePort();
  const log = path.join(dataPath.dir, `nightscout-${port}.log`);
  const logFd = fs.openSync(log, "a");
  // Only what a container would have besides the rendered env: no developer variables.
  const env = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: dataPath.dir,
    ...localNightscoutEnv(rendered, dataPath.ferretPort, port),
  };
  const child = spawn(process.execPath, ["lib/server/server.js"], {
    cwd: appDir,
    env,
    stdio: ["ignore", logFd, logFd],
  });
  fs.closeSync(logFd);
  const kill = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  };
  const removeExitHook = onExit(kill);
  const url = `http://127.0.0.1:${port}`;
  let ingress: http.Server | undefined;
  try {
    await waitForStatus(url, child, log);
    ingress = await startIngressStandIn(url);
  } catch (err) {
    kill();
    removeExitHook();
    throw err;
  }
  return {
    url,
    ingressUrl: `http://127.0.0.1:${(ingress.address() as AddressInfo).port}`,
    log,
    stop: async () => {
      ingress?.close();
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await Promise.race([exited, sleep(5_000)]);
      }
      kill();
      removeExitHook();
    },
  };
}
