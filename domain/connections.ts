/**
 * Fact 17: every FerretDB pod holds up to its pool size of PostgreSQL connections, and they
 * must all fit in max_connections next to the ones PostgreSQL and CNPG keep for themselves.
 * The program refuses a config that breaks this, the policy pack re-checks the rendered
 * resources, and the FerretDb component renders the same surge the budget counts.
 */

/**
 * PostgreSQL keeps 3 connections for superusers (superuser_reserved_connections' default);
 * CNPG's instance manager, the metrics exporter, replication and DocumentDB's pg_cron
 * background workers take about 10 more on a busy primary. Together: 13.
 */
export const SUPERUSER_RESERVED_CONNECTIONS = 3;
export const OPERATOR_CONNECTIONS = 10;
export const RESERVED_POSTGRES_CONNECTIONS = SUPERUSER_RESERVED_CONNECTIONS + OPERATOR_CONNECTIONS;

/**
 * FerretDB's Deployment starts one new pod before an old one stops (maxSurge 1,
 * maxUnavailable 0), so during a rollout one pod more than `replicas` holds connections.
 */
export const FERRETDB_ROLLOUT_SURGE = 1;

export interface ConnectionBudget {
  /** Pods that can hold connections at once: replicas plus the rollout surge. */
  peakPods: number;
  /** Connections needed at the peak, reserved ones included. */
  needed: number;
  fits: boolean;
  /** The largest pool size that fits the same replicas and max_connections (at least 1). */
  largestPoolThatFits: number;
}

/** The budget for `replicas` FerretDB pods of `poolSize` connections each. */
export function ferretDbConnectionBudget(
  replicas: number,
  poolSize: number,
  maxConnections: number,
  surge: number = FERRETDB_ROLLOUT_SURGE,
): ConnectionBudget {
  const peakPods = replicas + surge;
  const needed = peakPods * poolSize + RESERVED_POSTGRES_CONNECTIONS;
  return {
    peakPods,
    needed,
    fits: needed <= maxConnections,
    largestPoolThatFits: Math.max(
      1,
      Math.floor((maxConnections - RESERVED_POSTGRES_CONNECTIONS) / peakPods),
    ),
  };
}

/**
 * Where the FerretDB Deployment records its pool size, so the policy pack can check the
 * budget from the rendered resources alone.
 */
export const POOL_SIZE_ANNOTATION = "nightscout.dev/pool-size";
