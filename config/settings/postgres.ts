/** Settings: PostgreSQL (CloudNative-PG + DocumentDB). */
import { DEFAULT_IMAGES, MIN_INSTANCES, PRODUCTION_MIN_INSTANCES } from "../../domain";
import type { Setting } from "./setting";

export const POSTGRES_SETTINGS = [
  {
    key: "upgradeInProgress",
    type: "boolean",
    default: false,
    description:
      "Let postgresImage and ferretdbImage differ during a DocumentDB + FerretDB upgrade (README: Upgrading); a warning instead of an error.",
  },
  {
    key: "postgresImage",
    format: "image",
    type: "string",
    default: DEFAULT_IMAGES.postgres,
    description: "postgres-documentdb image; its ferretdb-<version> must match ferretdbImage.",
  },
  {
    key: "postgresClusterName",
    format: "clusterName",
    type: "string",
    default: "nightscout-db",
    description: "Name of the CNPG Cluster (also the backup server name).",
  },
  {
    key: "postgresInstances",
    // One primary and up to eight replicas: more adds no safety for one family's data.
    range: [MIN_INSTANCES, 9],
    type: "integer",
    default: 1,
    description: `PostgreSQL instances (${PRODUCTION_MIN_INSTANCES} for production).`,
  },
  {
    key: "postgresStorageSize",
    format: "storage",
    type: "string",
    default: "5Gi",
    description: "Volume size per instance.",
  },
  {
    key: "postgresStorageClass",
    example: "local-path",
    format: "objectName",
    type: "string",
    default: "",
    description: "StorageClass of the volumes (empty: the cluster default).",
  },
  {
    key: "postgresCpuRequest",
    format: "cpu",
    type: "string",
    default: "100m",
    description: "PostgreSQL CPU request.",
  },
  {
    key: "postgresMemoryRequest",
    format: "memory",
    type: "string",
    default: "384Mi",
    description: "PostgreSQL memory request.",
  },
  {
    key: "postgresMemoryLimit",
    format: "memory",
    type: "string",
    default: "1Gi",
    description: "PostgreSQL memory limit.",
  },
  {
    key: "postgresMaxConnections",
    // Below 20 the reserved connections (13) leave FerretDB almost nothing; 10000 is
    // far beyond what one instance with these memory limits can serve.
    range: [20, 10000],
    type: "integer",
    default: 100,
    description: "PostgreSQL max_connections.",
  },
] as const satisfies readonly Setting[];
