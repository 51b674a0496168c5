import { RESERVED_POSTGRES_CONNECTIONS } from "../connections";
import { rule } from "./rule";

/** FerretDB pods that hold up to `pool` connections each, at the peak of a rollout. */
export interface PoolClient {
  replicas: number;
  /** Pods a rollout runs next to the old ones. */
  surge: number;
  pool: number;
}

export interface ConnectionBudgetModel {
  clients: readonly PoolClient[];
  maxConnections: number;
  /** What PostgreSQL and CNPG keep for themselves. */
  reserved: number;
}

/** Fact 17: FerretDB's pools, at the peak of a rollout, must fit in max_connections. */
export const connectionBudget = rule({
  id: "connection-budget",
  fact: 17,
  onSettings: true,
  policy: "ferretdb-connection-budget",
  summary: `FerretDB's pods at the peak of a rollout, times their pool size, plus ${RESERVED_POSTGRES_CONNECTIONS} reserved connections, fit in PostgreSQL's max_connections.`,
  check(model: ConnectionBudgetModel, words) {
    const pods = model.clients.reduce((sum, c) => sum + c.replicas + c.surge, 0);
    const pooled = model.clients.reduce((sum, c) => sum + (c.replicas + c.surge) * c.pool, 0);
    if (pods === 0 || !(pooled + model.reserved > model.maxConnections)) return [];
    const largestPool = Math.max(1, Math.floor((model.maxConnections - model.reserved) / pods));
    const parts = model.clients.map(
      (c) =>
        `${c.replicas} FerretDB replica(s) + ${c.surge} during a rollout, x ${c.pool} connections`,
    );
    return [
      {
        field: "poolSize" as const,
        value: String(model.clients[0].pool),
        why: `${parts.join(" + ")} + ${model.reserved} reserved exceeds ${words.name("maxConnections")}=${model.maxConnections}`,
        fix: `lower ${words.name("poolSize")} to at most ${largestPool}, or raise ${words.name("maxConnections")}`,
      },
    ];
  },
});
