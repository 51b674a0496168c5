/**
 * The local FerretDB behind the local cluster's port-forward route. kwok answers a
 * `kubectl port-forward` to a pod's port 27017 by connecting to 127.0.0.1:<relay port>
 * (tools/parts/local-cluster/start.sh writes it to ferretdb-relay.port); the relay here passes each
 * connection on to a FerretDB started for the purpose by the integration harness
 * (tests/integration/harness.ts): FerretDB v1.24.2 on Debian's PostgreSQL 15, a STAND-IN for
 * the FerretDB v2 on DocumentDB the stack deploys, which cannot run here (no package registry
 * serves DocumentDB). It speaks the same MongoDB protocol, so the post-deploy check's ping,
 * SCRAM login and marker round trip are real; DocumentDB's part is not (docs/data-path.md).
 * Its servers listen on loopback only, so it runs inside the cluster's network namespace too.
 *
 * The post-deploy check authenticates with the credentials the program rendered: the
 * database role and the generated password in the CloudNative-PG bootstrap Secret
 * (`kubernetes.io/basic-auth`, keys username and password). In a real cluster the CNPG
 * operator creates that role from that Secret; here nothing does, so `syncUsers` is the
 * stand-in: it watches the stack's namespace and creates (or re-passwords) the same user in
 * the local FerretDB, through FerretDB's own user commands. It never prints a password.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { promisify } from "node:util";
import { MongoClient } from "mongodb";
import { startHarness, type Harness } from "../../../tests/integration/harness";

const execFileAsync = promisify(execFile);

export interface LocalFerretDb {
  /** The port kwok forwards FerretDB port-forwards to. */
  readonly relayPort: number;
  /** The harness FerretDB now behind the relay, if running. */
  harness(): Harness | undefined;
  /** Stops FerretDB (and its PostgreSQL): forwarded connections are then refused. */
  stopFerretDb(): Promise<void>;
  /** Starts a fresh FerretDB behind the relay; the user sync creates the stack's user again. */
  startFerretDb(): Promise<void>;
  /** Resolves once the namespace's bootstrap credentials exist as a FerretDB user. */
  usersSynced(namespace: string, timeoutMs: number): Promise<void>;
  /** Stops the user sync, the relay and FerretDB. */
  stop(): Promise<void>;
}

interface BasicAuth {
  username: string;
  password: string;
}

/** The basic-auth Secrets of a namespace (the CNPG bootstrap Secret among them). */
async function basicAuthSecrets(kubectl: KubectlRunner, namespace: string): Promise<BasicAuth[]> {
  let raw: string;
  try {
    raw = await kubectl(["get", "secrets", "-n", namespace, "-o", "json"]);
  } catch {
    return []; // the namespace does not exist yet
  }
  const items = (JSON.parse(raw) as { items: { type?: string; data?: Record<string, string> }[] })
    .items;
  return items
    .filter((s) => s.type === "kubernetes.io/basic-auth" && s.data?.username && s.data?.password)
    .map((s) => ({
      username: Buffer.from(s.data?.username ?? "", "base64").toString("utf8"),
      password: Buffer.from(s.data?.password ?? "", "base64").toString("utf8"),
    }));
}

type KubectlRunner = (args: string[]) => Promise<string>;

export function kubectlRunner(kubeconfig: string, kubectlBin = "kubectl"): KubectlRunner {
  return async (args) =>
    (
      await execFileAsync(kubectlBin, ["--kubeconfig", kubeconfig, ...args], {
        maxBuffer: 16 * 1024 * 1024,
      })
    ).stdout;
}

/**
 * Creates `user` in the harness FerretDB with `password`, or sets its password if it exists.
 * `admin` holds the credentials that can do it; when the user is the harness's own, the
 * password changes under it, and `admin` follows.
 */
async function ensureUser(h: Harness, admin: { password: string }, user: BasicAuth): Promise<void> {
  const client = new MongoClient(h.uri({ password: admin.password }), {
    serverSelectionTimeoutMS: 5_000,
  });
  try {
    const db = client.db(h.database);
    const info = (await db.command({ usersInfo: user.username })) as { users: unknown[] };
    if (info.users.length === 0) {
      await db.command({ createUser: user.username, pwd: user.password, roles: [] });
    } else {
      await db.command({ updateUser: user.username, pwd: user.password });
      if (user.username === h.username) admin.password = user.password;
    }
  } finally {
    await client.close().catch(() => undefined);
  }
}

export async function startLocalFerretDb(opts: {
  clusterDir: string;
  kubeconfig: string;
  namespaces: string[];
  log?: (line: string) => void;
}): Promise<LocalFerretDb> {
  const log = opts.log ?? ((line: string) => console.error(`[local-ferretdb] ${line}`));
  const relayPort = Number(
    fs.readFileSync(path.join(opts.clusterDir, "ferretdb-relay.port"), "utf8").trim(),
  );
  const kubectl = kubectlRunner(opts.kubeconfig);
  let harness: Harness | undefined;
  let admin = { password: "" };
  /** username:password pairs already in the running FerretDB. */
  let synced = new Set<string>();
  const sockets = new Set<net.Socket>();

  const start = async (): Promise<void> => {
    const started = Date.now();
    harness = await startHarness();
    admin = { password: harness.password };
    synced = new Set();
    log(
      `FerretDB ${harness.versions.ferretdb} on PostgreSQL ${harness.versions.postgres} ` +
        `(a stand-in for FerretDB v2 on DocumentDB) on 127.0.0.1:${harness.ferretPort} ` +
        `in ${Date.now() - started} ms`,
    );
  };

  const relay = net.createServer((client) => {
    sockets.add(client);
    client.on("close", () => sockets.delete(client));
    if (!harness) {
      client.destroy(); // FerretDB stopped: as a dead pod would, refuse the stream
      return;
    }
    const upstream = net.connect(harness.ferretPort, "127.0.0.1");
    sockets.add(upstream);
    upstream.on("close", () => sockets.delete(upstream));
    client.pipe(upstream).pipe(client);
    client.on("error", () => upstream.destroy());
    upstream.on("error", () => client.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    relay.once("error", (err: NodeJS.ErrnoException) =>
      reject(
        err.code === "EADDRINUSE"
          ? new Error(
              `the local cluster's FerretDB route (127.0.0.1:${relayPort}) is in use: another ` +
                "up:local or e2e run is using this cluster; wait for it to end, or stop it",
            )
          : err,
      ),
    );
    relay.listen(relayPort, "127.0.0.1", resolve);
  });

  let stopping = false;
  let syncError = "";
  const syncOnce = async (): Promise<void> => {
    const h = harness;
    if (!h) return;
    for (const ns of opts.namespaces) {
      for (const user of await basicAuthSecrets(kubectl, ns)) {
        const key = `${user.username}:${user.password}`;
        if (synced.has(key)) continue;
        await ensureUser(h, admin, user);
        synced.add(key);
        log(`user ${user.username} (from the bootstrap Secret in ${ns}) created in FerretDB`);
      }
    }
  };
  const loop = (async () => {
    while (!stopping) {
      try {
        await syncOnce();
        syncError = "";
      } catch (err) {
        const message = (err as Error).message;
        if (message !== syncError) log(`user sync: ${message}`);
        syncError = message;
      }
      await new Promise((r) => setTimeout(r, 300));
    }
  })();

  try {
    await start();
  } catch (err) {
    stopping = true;
    relay.close();
    throw err;
  }

  const stopHarness = async (): Promise<void> => {
    const h = harness;
    harness = undefined;
    for (const s of sockets) s.destroy();
    await h?.stop();
  };

  return {
    relayPort,
    harness: () => harness,
    stopFerretDb: async () => {
      await stopHarness();
      log("FerretDB stopped");
    },
    startFerretDb: start,
    usersSynced: async (namespace, timeoutMs) => {
      const until = Date.now() + timeoutMs;
      while (Date.now() < until) {
        const users = await basicAuthSecrets(kubectl, namespace);
        if (users.length > 0 && users.every((u) => synced.has(`${u.username}:${u.password}`)))
          return;
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error(
        `the bootstrap credentials of ${namespace} were not synced in ${timeoutMs} ms`,
      );
    },
    stop: async () => {
      stopping = true;
      await loop;
      // Connections first: close() waits for every open one to end.
      const closed = new Promise<void>((resolve) => relay.close(() => resolve()));
      await stopHarness();
      await closed;
    },
  };
}
