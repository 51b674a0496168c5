import type { PolicyResource } from "@pulumi/policy";
import { integer, on, stackPolicy, text } from "../lib/define";
import {
  OPERATOR_CONNECTIONS,
  connectionBudget,
  POOL_SIZE_ANNOTATION,
  SUPERUSER_RESERVED_CONNECTIONS,
} from "../../domain";
import { enforceOnObject } from "../lib/catalogue";
import { ferretDbsAndClusters } from "../lib/ferretdb";
import { TYPES, asStr, at, nameOf, namespaceOf, stringMap } from "../lib/k8s";
import { runChecks } from "../lib/unknowns";

const settings = {
  poolSizeAnnotation: text(
    POOL_SIZE_ANNOTATION,
    "Deployment annotation stating FerretDB's PostgreSQL pool size per pod.",
  ),
  defaultPoolSize: integer(
    50,
    "FerretDB's pgx pool maximum per pod when the annotation is absent.",
    { minimum: 1 },
  ),
  headroom: integer(
    OPERATOR_CONNECTIONS,
    "Connections kept free for CNPG itself, replication, backups and psql.",
    {
      minimum: 0,
    },
  ),
  countRollingUpdateSurge: on`Count the extra pods a RollingUpdate runs next to the old ones (maxSurge).`,
};

const PG_DEFAULT_MAX_CONNECTIONS = 100;

/** spec.replicas, or the Deployment's default of 1. */
function replicasOf(props: unknown): number {
  const replicas = at(props, "spec", "replicas");
  return typeof replicas === "number" ? replicas : 1;
}

/** Pods that can exist at once: a rolling update adds maxSurge pods next to the old ones. */
export function peakPods(props: unknown, countSurge = true): number {
  const replicas = replicasOf(props);
  if (!countSurge || at(props, "spec", "strategy", "type") === "Recreate") return replicas;
  const surge = at(props, "spec", "strategy", "rollingUpdate", "maxSurge") ?? "25%";
  if (typeof surge === "number") return replicas + surge;
  const percent = asStr(surge)?.match(/^(\d+)%$/);
  return replicas + (percent ? Math.ceil((replicas * Number(percent[1])) / 100) : 0);
}

function intParameter(cluster: PolicyResource, name: string, fallback: number): number | string {
  const raw = at(cluster.props, "spec", "postgresql", "parameters", name);
  if (raw === undefined) return fallback;
  const text = String(raw);
  return /^\d+$/.test(text) ? Number(text) : text;
}

export const ferretdbConnectionBudget = stackPolicy(
  { name: "ferretdb-connection-budget", enforcementLevel: "mandatory", settings },
  "FerretDB pods × pool size, plus headroom and PostgreSQL's reserved superuser connections, fit in the Cluster's max_connections.",
  (args, reportViolation, config) => {
    const { ferretdbs, clusters } = ferretDbsAndClusters(
      args.resources,
      (resource) => {
        const annotation = stringMap(at(resource.props, "metadata", "annotations"))[
          config.poolSizeAnnotation
        ];
        let pool = config.defaultPoolSize;
        if (annotation !== undefined) {
          if (!/^\d+$/.test(annotation) || Number(annotation) < 1) {
            reportViolation(
              `Annotation ${config.poolSizeAnnotation}="${annotation}" is not a positive integer.`,
              resource.urn,
            );
            return undefined;
          }
          pool = Number(annotation);
        }
        const pods = peakPods(resource.props, config.countRollingUpdateSurge);
        return { resource, replicas: replicasOf(resource.props), pods, pool };
      },
      [TYPES.deployment],
    );
    if (ferretdbs.length === 0 || clusters.length === 0) {
      args.notApplicable("The stack has no FerretDB Deployment or no postgres-documentdb Cluster");
    }

    runChecks(
      clusters.map((cluster) => () => {
        const namespace = namespaceOf(cluster.props);
        const clients =
          clusters.length === 1
            ? ferretdbs
            : ferretdbs.filter((f) => namespaceOf(f.resource.props) === namespace);
        if (clients.length === 0) return;
        const max = intParameter(cluster, "max_connections", PG_DEFAULT_MAX_CONNECTIONS);
        const reserved = intParameter(
          cluster,
          "superuser_reserved_connections",
          SUPERUSER_RESERVED_CONNECTIONS,
        );
        if (typeof max === "string" || typeof reserved === "string") {
          reportViolation(
            `max_connections / superuser_reserved_connections must be integers.`,
            cluster.urn,
          );
          return;
        }
        const clusterName = nameOf(cluster.props) ?? cluster.name;
        enforceOnObject(
          connectionBudget,
          {
            poolSize:
              clients.length === 1
                ? `FerretDB's ${config.poolSizeAnnotation}`
                : `each FerretDB's ${config.poolSizeAnnotation}`,
            maxConnections: `Cluster "${clusterName}" max_connections`,
          },
          {
            clients: clients.map((f) => ({
              replicas: f.replicas,
              surge: f.pods - f.replicas,
              pool: f.pool,
            })),
            maxConnections: max,
            reserved: config.headroom + reserved,
          },
          {},
          (message) => reportViolation(message, cluster.urn),
        );
      }),
    );
  },
);
