/** Valid arguments for each component, and one backup destination; tests override a field. */
import type { AppNamespaceArgs } from "../../components/namespace";
import type { FerretDbArgs } from "../../components/ferret-db";
import type { NightscoutArgs } from "../../components/nightscout";
import type { PostgresClusterArgs } from "../../components/postgres-cluster";

export const resources = { cpuRequest: "100m", memoryRequest: "128Mi", memoryLimit: "256Mi" };

export const namespaceArgs = (over: Partial<AppNamespaceArgs> = {}): AppNamespaceArgs => ({
  name: "ns",
  create: true,
  retainOnDelete: false,
  ...over,
});

export const backup = {
  destinationPath: "s3://b/new",
  accessKeyId: "a",
  secretAccessKey: "s",
  retention: "30d",
  schedule: "0 0 3 * * *",
};

export const postgresArgs = (over: Partial<PostgresClusterArgs> = {}): PostgresClusterArgs => ({
  namespace: "ns",
  clusterName: "db",
  image: "ghcr.io/ferretdb/postgres-documentdb:17-0.107.0-ferretdb-2.7.0",
  instances: 1,
  storageSize: "5Gi",
  resources,
  maxConnections: 100,
  protect: false,
  operatorNamespace: "cnpg-system",
  ...over,
});

export const ferretArgs = (over: Partial<FerretDbArgs> = {}): FerretDbArgs => ({
  namespace: "ns",
  image: "ghcr.io/ferretdb/ferretdb:2.7.0",
  replicas: 1,
  poolSize: 20,
  resources,
  database: {
    host: "db-rw",
    port: 5432,
    role: "nightscout",
    password: "pw",
    clientLabels: {},
    endpoint: { podSelector: { a: "b" }, port: 5432 },
  },
  ...over,
});

export const nightscoutArgs = (over: Partial<NightscoutArgs> = {}): NightscoutArgs => ({
  namespace: "ns",
  image: "nightscout/cgm-remote-monitor:15.0.7",
  hostname: "ns.example.org",
  apiSecret: "secret-secret-secret",
  mongoUri: "mongodb://u:p@ferretdb:27017/nightscout",
  databaseClientLabels: {},
  database: { podSelector: { a: "b" }, port: 27017 },
  preferences: {
    displayUnits: "mmol/L",
    alarmTypes: "simple",
    authDefaultRoles: ["status-only"],
    enabledPlugins: ["careportal"],
    showPlugins: ["careportal"],
    dbSizeMaxMiB: 4096,
    staleDataMinutes: 20,
  },
  resources,
  ingress: {
    className: "traefik",
    clusterIssuer: "letsencrypt",
    controllerNamespace: "kube-system",
  },
  allowInternetEgress: false,
  ...over,
});
