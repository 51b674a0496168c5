import {
  FERRETDB_ROLLOUT_SURGE,
  RESERVED_POSTGRES_CONNECTIONS,
  connectionBudget,
} from "../../domain";
import { Settings } from "../read";
import { enforceOnSettings } from "./catalogue";

/** Fact 17 (domain/rules/connections.ts) over the settings. */
export function connectionBudgetRule(s: Settings): void {
  const replicas = s.integer("ferretdbReplicas");
  const pool = s.integer("ferretdbPoolSize");
  const maxConnections = s.integer("postgresMaxConnections");
  // An invalid number is NaN and was reported already: no follow-on problem.
  if ([replicas, pool, maxConnections].some(Number.isNaN)) return;
  enforceOnSettings(
    s,
    connectionBudget,
    { poolSize: "ferretdbPoolSize", maxConnections: "postgresMaxConnections" },
    {
      clients: [{ replicas, surge: FERRETDB_ROLLOUT_SURGE, pool }],
      maxConnections,
      reserved: RESERVED_POSTGRES_CONNECTIONS,
    },
  );
}
