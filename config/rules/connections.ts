import { ferretDbConnectionBudget } from "../../domain";
import { Settings } from "../read";

/** Fact 17: FerretDB's pools, at the peak of a rollout, must fit in max_connections. */
export function connectionBudgetRule(s: Settings): void {
  const replicas = s.integer("ferretdbReplicas");
  const poolSize = s.integer("ferretdbPoolSize");
  const maxConnections = s.integer("postgresMaxConnections");
  // An invalid number is NaN and was reported already: no follow-on problem.
  if ([replicas, poolSize, maxConnections].some(Number.isNaN)) return;
  const budget = ferretDbConnectionBudget(replicas, poolSize, maxConnections);
  if (budget.fits) return;
  s.problems.add(
    "ferretdbPoolSize",
    String(poolSize),
    `${replicas} FerretDB replica(s) + ${budget.peakPods - replicas} during a rollout, x ${poolSize} connections + ${budget.needed - budget.peakPods * poolSize} reserved exceeds postgresMaxConnections=${maxConnections}`,
    `lower ferretdbPoolSize to at most ${budget.largestPoolThatFits}, or raise postgresMaxConnections`,
  );
}
