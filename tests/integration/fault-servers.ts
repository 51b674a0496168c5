/**
 * Small TCP servers that misbehave the way a broken backend does, for the fault tests: one
 * that accepts connections and never answers, and a proxy to a real server that delays
 * every chunk in both directions.
 */
import * as net from "node:net";

export interface FaultServer {
  readonly port: number;
  /** Connections accepted so far: a deterministic sign that a client tried. */
  connections(): number;
  close(): Promise<void>;
}

async function listen(
  onConnection: (socket: net.Socket) => void,
): Promise<{ server: net.Server; port: number; sockets: Set<net.Socket> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, port: (server.address() as net.AddressInfo).port, sockets };
}

function closer(server: net.Server, sockets: Set<net.Socket>): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
}

/** Accepts every TCP connection, reads what the client sends, and never answers. */
export async function startSilentServer(): Promise<FaultServer> {
  let accepted = 0;
  const { server, port, sockets } = await listen((socket) => {
    accepted++;
    socket.resume();
  });
  return { port, connections: () => accepted, close: closer(server, sockets) };
}

/** Forwards to 127.0.0.1:`targetPort`, holding every chunk `delayMs` in each direction. */
export async function startSlowProxy(targetPort: number, delayMs: number): Promise<FaultServer> {
  let accepted = 0;
  const upstreams = new Set<net.Socket>();
  const { server, port, sockets } = await listen((client) => {
    accepted++;
    const upstream = net.connect(targetPort, "127.0.0.1");
    upstreams.add(upstream);
    upstream.on("close", () => upstreams.delete(upstream));
    // Timers of equal delay fire in the order they were set, so chunks keep their order.
    const relay = (from: net.Socket, to: net.Socket): void => {
      from.on("data", (chunk) => setTimeout(() => to.destroyed || to.write(chunk), delayMs));
      from.on("end", () => setTimeout(() => to.end(), delayMs));
      from.on("error", () => to.destroy());
    };
    relay(client, upstream);
    relay(upstream, client);
  });
  const closeServer = closer(server, sockets);
  return {
    port,
    connections: () => accepted,
    close: async () => {
      for (const upstream of upstreams) upstream.destroy();
      await closeServer();
    },
  };
}
