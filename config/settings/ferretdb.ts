/** Settings: FerretDB. */
import { DEFAULT_IMAGES } from "../../domain";
import type { Setting } from "./setting";

export const FERRETDB_SETTINGS = [
  {
    key: "ferretdbImage",
    format: "image",
    type: "string",
    default: DEFAULT_IMAGES.ferretdb,
    description: "FerretDB v2 image, pinned; must pair with the DocumentDB version.",
  },
  {
    key: "ferretdbReplicas",
    // Nightscout is one pod; more than ten FerretDB pods only burn connections.
    range: [1, 10],
    type: "integer",
    default: 1,
    description: "FerretDB replicas.",
  },
  {
    key: "ferretdbPoolSize",
    // pgx needs at least one connection; 1000 exceeds any max_connections allowed here.
    range: [1, 1000],
    type: "integer",
    default: 20,
    description: "Maximum PostgreSQL connections per FerretDB pod.",
  },
  {
    key: "ferretdbCpuRequest",
    format: "cpu",
    type: "string",
    default: "50m",
    description: "FerretDB CPU request.",
  },
  {
    key: "ferretdbMemoryRequest",
    format: "memory",
    type: "string",
    default: "64Mi",
    description: "FerretDB memory request.",
  },
  {
    key: "ferretdbMemoryLimit",
    format: "memory",
    type: "string",
    default: "256Mi",
    description: "FerretDB memory limit.",
  },
] as const satisfies readonly Setting[];
