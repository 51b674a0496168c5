import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import {
  DOCUMENTDB_SWITCHES,
  BARMAN_PLUGIN,
  CNPG_STATUS_PORT,
  MAX_CLUSTER_NAME_LENGTH,
  MIN_INSTANCES,
  PRODUCTION_MIN_INSTANCES,
  POSTGRES_PORT,
  RESERVED_POSTGRES_CONNECTIONS,
  parseDocumentDbImageTag,
  backupScheduleProblem,
} from "../domain";
import {
  invalidArg,
  requireDnsLabel,
  requirePinnedImage,
  requireWholeNumber,
} from "./arg-validation";
import {
  ANYWHERE,
  HTTPS_PORT,
  KUBE_APISERVER_PORT,
  allowFrom,
  allowTo,
  clientAccess,
  inNamespace,
  NetworkPolicySpec,
  networkPolicy,
  podsLabelled,
} from "./network-policy";
import {
  ObjectStoreArgs,
  createClusterObjectStores,
  objectStoreEgressPorts,
  validateObjectStoreArgs,
} from "./object-store";
import { containerResources } from "./workload";
import { PodEndpoint, ResourceRequests } from "./types";

export type { ObjectStoreArgs } from "./object-store";

/** Continuous WAL archiving plus scheduled base backups into an object store. */
export type PostgresBackupArgs = ObjectStoreArgs & { retention: string; schedule: string };
/** Bootstrap from `serverName`'s backups in an object store, to `targetTime` if set (fact 9). */
export type PostgresRestoreArgs = ObjectStoreArgs & { serverName: string; targetTime?: string };

export interface PostgresClusterArgs {
  namespace: pulumi.Input<string>;
  /** The CNPG Cluster's name; also the server name its backups are filed under. */
  clusterName: string;
  /** ghcr.io/ferretdb/postgres-documentdb:<pg>-<documentdb>-ferretdb-<ferretdb> (fact 1). */
  image: string;
  instances: number;
  storageSize: string;
  storageClass?: string;
  resources: ResourceRequests;
  maxConnections: number;
  /** The role FerretDB logs in as. */
  appRole?: string;
  backup?: PostgresBackupArgs;
  restore?: PostgresRestoreArgs;
  /** Protect the cluster from deletion and replacement and keep it on destroy. */
  protect: boolean;
  /** Namespace of the CNPG operator, allowed to reach the instance manager (fact 35). */
  operatorNamespace: pulumi.Input<string>;
}

/** PostgreSQL truncates identifiers to 63 bytes (NAMEDATALEN - 1). */
const SQL_IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** Throws, before anything is registered, on args that cannot make a working cluster. */
export function validatePostgresClusterArgs(args: PostgresClusterArgs): void {
  const component = "PostgresCluster";
  requireDnsLabel(
    component,
    "clusterName",
    args.clusterName,
    `Use a DNS label of at most ${MAX_CLUSTER_NAME_LENGTH} characters, room for the names CNPG derives from it.`,
    MAX_CLUSTER_NAME_LENGTH,
  );
  // One instance is a cluster without a standby; fewer is no database at all.
  requireWholeNumber(
    component,
    "instances",
    args.instances,
    MIN_INSTANCES,
    `Use ${MIN_INSTANCES} for staging and ${PRODUCTION_MIN_INSTANCES} for production.`,
  );
  requirePinnedImage(component, "image", args.image);
  if (!parseDocumentDbImageTag(args.image)) {
    throw invalidArg(
      component,
      "image",
      args.image,
      "Use a postgres-documentdb image tagged <pg>-<documentdb>-ferretdb-<ferretdb>.",
    );
  }
  // Below this, the connections PostgreSQL and CNPG keep for themselves leave none to clients.
  requireWholeNumber(
    component,
    "maxConnections",
    args.maxConnections,
    RESERVED_POSTGRES_CONNECTIONS + 1,
    `Leave room above the ${RESERVED_POSTGRES_CONNECTIONS} reserved connections for FerretDB's pools.`,
  );
  if (args.appRole !== undefined && !SQL_IDENTIFIER.test(args.appRole)) {
    throw invalidArg(component, "appRole", args.appRole, "Use a lowercase SQL identifier.");
  }
  const schedule = args.backup?.schedule;
  const cronProblem = schedule === undefined ? undefined : backupScheduleProblem(schedule);
  if (cronProblem) {
    throw invalidArg(
      component,
      "backup.schedule",
      schedule,
      `The schedule ${cronProblem}. Use six fields, seconds first, e.g. "0 45 2 * * *".`,
    );
  }
  validateObjectStoreArgs(component, "backup", args.backup);
  validateObjectStoreArgs(component, "restore", args.restore);
}

/** Fact 2: the DocumentDB image runs postgres as 999, CNPG defaults to 26. */
const DOCUMENTDB_IMAGE_UID = 999;
/** 32 alphanumerics: about 190 bits, and URI-safe inside FERRETDB_POSTGRESQL_URL. */
const APP_PASSWORD_LENGTH = 32;
/** The database CNPG creates for the app role; DocumentDB itself lives in `postgres` (fact 4). */
const APP_DATABASE = "nightscout";

/** The `postgresql` section of the Cluster: facts 3 and 5, and the connection limit. */
export function postgresqlConfig(appRole: string, maxConnections: number) {
  return {
    // Fact 3: CNPG does not run the image's entrypoint, so the libraries are declared here.
    shared_preload_libraries: ["pg_cron", "pg_documentdb_core", "pg_documentdb"],
    parameters: {
      "cron.database_name": "postgres",
      // Fact 5: DocumentDB's internal connections use the socket, not passwordless TCP.
      "cron.host": "/controller/run",
      "documentdb.localhost_connection_string": "host=/controller/run user=postgres",
      // Fact 38: what the image's own configuration switches on, which CNPG does not read.
      ...DOCUMENTDB_SWITCHES,
      max_connections: String(maxConnections),
    },
    // Fact 5: DocumentDB also connects back as the logged-in role (drop_collection runs as the
    // app role) over the socket. CNPG's first pg_hba rule, `local all all peer map=local`,
    // decides every socket connection, so the OS user postgres must map to the app role in
    // that `local` map; a pg_hba line of our own after it would never be reached.
    pg_ident: [`local postgres ${appRole}`],
  };
}

/** How a new cluster starts: an empty initdb, or recovery from the `origin` external cluster. */
export function bootstrapSpec(
  appRole: string,
  appSecretName: pulumi.Input<string>,
  restore: PostgresRestoreArgs | undefined,
) {
  const owner = { database: APP_DATABASE, owner: appRole, secret: { name: appSecretName } };
  if (restore) {
    // Fact 4: a recovery bootstrap never runs postInitSQL; the restored catalog already holds
    // the extension and the grants. The app role's password is reset to the new Secret so
    // FerretDB can log in.
    const recoveryTarget = restore.targetTime ? { targetTime: restore.targetTime } : undefined;
    return { recovery: { source: "origin", ...owner, recoveryTarget } };
  }
  return {
    initdb: {
      ...owner,
      // Fact 4: the extension lives in the `postgres` database (pg_cron).
      postInitSQL: [
        "CREATE EXTENSION IF NOT EXISTS documentdb CASCADE;",
        `GRANT documentdb_admin_role TO ${appRole};`,
      ],
    },
  };
}

type CustomResourceArgs = k8s.apiextensions.CustomResourceArgs;

/** CNPG labels every pod of a Cluster with the Cluster's name. */
const instanceLabels = (clusterName: string) => ({ "cnpg.io/cluster": clusterName });

/** The CNPG Cluster: every setting of facts 1-9, its backups and its recovery source. */
export function clusterArgs(
  args: PostgresClusterArgs,
  appRole: string,
  appSecretName: pulumi.Input<string>,
  /** The names of the ObjectStores it backs up to and restores from. */
  stores: { backup?: pulumi.Input<string>; restore?: pulumi.Input<string> },
): CustomResourceArgs {
  return {
    apiVersion: "postgresql.cnpg.io/v1",
    kind: "Cluster",
    metadata: {
      namespace: args.namespace,
      name: args.clusterName,
      // Custom resources are not awaited by default; FerretDB needs a ready primary.
      annotations: { "pulumi.com/waitFor": "condition=Ready" },
    },
    spec: {
      instances: args.instances,
      imageName: args.image,
      postgresUID: DOCUMENTDB_IMAGE_UID,
      postgresGID: DOCUMENTDB_IMAGE_UID,
      // Fact 6: the extension and grant tasks need the superuser.
      enableSuperuserAccess: true,
      postgresql: postgresqlConfig(appRole, args.maxConnections),
      bootstrap: bootstrapSpec(appRole, appSecretName, args.restore),
      storage: { size: args.storageSize, storageClass: args.storageClass },
      resources: containerResources(args.resources),
      // Fact 7: backups from a standby stall on DocumentDB's catalog permissions.
      backup: stores.backup ? { target: "primary" } : undefined,
      // Fact 8: the plugin replaces the deprecated in-tree barmanObjectStore.
      plugins: stores.backup
        ? [
            {
              name: BARMAN_PLUGIN,
              isWALArchiver: true,
              parameters: { barmanObjectName: stores.backup },
            },
          ]
        : undefined,
      // Fact 9: recovery reads the source cluster's backups from the object store.
      externalClusters:
        args.restore && stores.restore
          ? [
              {
                name: "origin",
                plugin: {
                  name: BARMAN_PLUGIN,
                  parameters: {
                    barmanObjectName: stores.restore,
                    serverName: args.restore.serverName,
                  },
                },
              },
            ]
          : undefined,
    },
  };
}

/** The daily base backup of `clusterName` (the Cluster's own name output, for the order). */
export function scheduledBackupArgs(
  args: PostgresClusterArgs,
  backup: PostgresBackupArgs,
  clusterName: pulumi.Input<string>,
): CustomResourceArgs {
  return {
    apiVersion: "postgresql.cnpg.io/v1",
    kind: "ScheduledBackup",
    metadata: { namespace: args.namespace, name: `${args.clusterName}-daily` },
    spec: {
      // Six fields, seconds first (fact 8).
      schedule: backup.schedule,
      cluster: { name: clusterName },
      backupOwnerReference: "self",
      immediate: true,
      // Fact 8: without these the webhook defaults to barmanObjectStore and every run fails.
      method: "plugin",
      pluginConfiguration: { name: BARMAN_PLUGIN },
    },
  };
}

/** What the instances accept and open: their clients, each other, the operator, the API. */
export function instancesNetworkPolicy(
  args: PostgresClusterArgs,
  clients: ReturnType<typeof podsLabelled>,
): NetworkPolicySpec {
  const instances = podsLabelled(instanceLabels(args.clusterName));
  return {
    metadata: { namespace: args.namespace, name: `${args.clusterName}-instances` },
    podLabels: instanceLabels(args.clusterName),
    ingress: [
      allowFrom([clients], POSTGRES_PORT),
      // Instances replicate from each other and report to each other's status port.
      allowFrom([instances], POSTGRES_PORT, CNPG_STATUS_PORT),
      // The operator polls the instance manager.
      allowFrom([inNamespace(args.operatorNamespace)], CNPG_STATUS_PORT, POSTGRES_PORT),
    ],
    egress: [
      allowTo([instances], POSTGRES_PORT, CNPG_STATUS_PORT),
      // The instance manager watches its Cluster through the Kubernetes API, and the
      // Barman Cloud sidecar ships WAL to the object store over HTTPS.
      allowTo(
        [ANYWHERE],
        HTTPS_PORT,
        KUBE_APISERVER_PORT,
        ...objectStoreEgressPorts([args.backup, args.restore]),
      ),
    ],
  };
}

/**
 * A CloudNative-PG cluster running PostgreSQL 17 with the DocumentDB extension, ready for
 * FerretDB v2: every setting of domain facts 1-9, backups and point-in-time recovery through
 * the Barman Cloud plugin, and network policies for its pods.
 */
export class PostgresCluster extends pulumi.ComponentResource {
  public readonly clusterName: pulumi.Output<string>;
  public readonly namespace: pulumi.Output<string>;
  /** The image the instances run, for whatever must rerun when it changes. */
  public readonly image: string;
  /** The number of PostgreSQL instances, a primary and its standbys. */
  public readonly instances: number;
  /** The ScheduledBackup's schedule; undefined without backups. */
  public readonly backupSchedule?: string;
  /** In-cluster DNS name of the read-write service. */
  public readonly readWriteHost: pulumi.Output<string>;
  public readonly port: number = POSTGRES_PORT;
  public readonly appRole: string;
  public readonly appPassword: pulumi.Output<string>;
  public readonly appSecretName: pulumi.Output<string>;
  /** Labels a pod must carry to be allowed in on the PostgreSQL port. */
  public readonly clientLabels: pulumi.Output<Record<string, string>>;
  /** How clients reach the instances, for their egress policies. */
  public readonly endpoint: PodEndpoint;
  public readonly backupsEnabled: boolean;
  /** The Cluster custom resource, for dependsOn. */
  public readonly cluster: k8s.apiextensions.CustomResource;

  constructor(name: string, args: PostgresClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    // Before super(): bad args throw with nothing registered, so they leave no trace in the state.
    validatePostgresClusterArgs(args);
    super("nightscout:database:PostgresCluster", name, {}, opts);

    const appRole = args.appRole ?? "nightscout";
    const { namespace, clusterName } = args;
    // Kept when the stack is destroyed, so the data outlives a mistaken `pulumi destroy`.
    const childOpts = { parent: this, retainOnDelete: args.protect };

    const password = new random.RandomPassword(
      `${name}-app-password`,
      { length: APP_PASSWORD_LENGTH, special: false },
      { parent: this },
    );
    const appSecret = new k8s.core.v1.Secret(
      `${name}-app`,
      {
        metadata: { namespace, name: `${clusterName}-app-credentials` },
        type: "kubernetes.io/basic-auth",
        stringData: { username: appRole, password: password.result },
      },
      childOpts,
    );

    const stores = createClusterObjectStores(name, args, childOpts);
    this.cluster = new k8s.apiextensions.CustomResource(
      `${name}-cluster`,
      clusterArgs(args, appRole, appSecret.metadata.name, {
        backup: stores.backup?.metadata.name,
        restore: stores.restore?.metadata.name,
      }),
      { ...childOpts, protect: args.protect, dependsOn: stores.all },
    );
    if (stores.backup && args.backup) {
      new k8s.apiextensions.CustomResource(
        `${name}-scheduled-backup`,
        scheduledBackupArgs(args, args.backup, this.cluster.metadata.name),
        { ...childOpts, dependsOn: [this.cluster] },
      );
    }

    const { clientLabels, clients } = clientAccess(clusterName);
    networkPolicy(`${name}-network`, instancesNetworkPolicy(args, clients), { parent: this });

    this.clusterName = this.cluster.metadata.name;
    this.namespace = pulumi.output(namespace);
    this.image = args.image;
    this.instances = args.instances;
    this.backupSchedule = stores.backup ? args.backup?.schedule : undefined;
    this.readWriteHost = pulumi.interpolate`${this.cluster.metadata.name}-rw.${this.cluster.metadata.namespace}.svc.cluster.local`;
    this.appRole = appRole;
    this.appPassword = password.result;
    this.appSecretName = appSecret.metadata.name;
    this.clientLabels = pulumi.output(clientLabels);
    this.endpoint = { podSelector: instanceLabels(clusterName), port: POSTGRES_PORT };
    this.backupsEnabled = stores.backup !== undefined;

    this.registerOutputs({
      clusterName: this.clusterName,
      readWriteHost: this.readWriteHost,
      appSecretName: this.appSecretName,
    });
  }
}
