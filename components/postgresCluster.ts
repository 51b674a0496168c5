import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import {
  DOCUMENTDB_SWITCHES,
  BARMAN_PLUGIN,
  CNPG_STATUS_PORT,
  DNS_LABEL,
  MAX_CLUSTER_NAME_LENGTH,
  POSTGRES_PORT,
  RESERVED_POSTGRES_CONNECTIONS,
  parseDocumentDbImageTag,
  sixFieldCronProblem,
} from "../domain";
import { invalidArg, requirePinnedImage, requireWholeNumber } from "./argValidation";
import {
  ANYWHERE,
  HTTPS_PORT,
  KUBE_APISERVER_PORT,
  allowFrom,
  allowTo,
  clientAccess,
  inNamespace,
  podsLabelled,
  workloadNetworkPolicy,
} from "./networkPolicy";
import {
  ObjectStoreArgs,
  createObjectStore,
  objectStoreEgressPorts,
  validateObjectStoreArgs,
} from "./objectStore";
import { containerResources } from "./workload";
import { PodEndpoint, ResourceRequests } from "./types";

export type { ObjectStoreArgs } from "./objectStore";

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
  if (!DNS_LABEL.test(args.clusterName) || args.clusterName.length > MAX_CLUSTER_NAME_LENGTH) {
    throw invalidArg(
      component,
      "clusterName",
      args.clusterName,
      `Use a DNS label of at most ${MAX_CLUSTER_NAME_LENGTH} characters, room for the names CNPG derives from it.`,
    );
  }
  // One instance is a cluster without a standby; fewer is no database at all.
  requireWholeNumber(
    component,
    "instances",
    args.instances,
    1,
    "Use 1 for staging and 3 for production.",
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
  const cronProblem = schedule === undefined ? undefined : sixFieldCronProblem(schedule);
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

/**
 * A CloudNative-PG cluster running PostgreSQL 17 with the DocumentDB extension, ready for
 * FerretDB v2: every setting of domain facts 1-9, backups and point-in-time recovery through
 * the Barman Cloud plugin, and network policies for its pods.
 */
export class PostgresCluster extends pulumi.ComponentResource {
  public readonly clusterName: pulumi.Output<string>;
  public readonly namespace: pulumi.Output<string>;
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
    const childOpts: pulumi.CustomResourceOptions = {
      parent: this,
      // Kept when the stack is destroyed, so the data outlives a mistaken `pulumi destroy`.
      retainOnDelete: args.protect,
    };

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

    const stores: k8s.apiextensions.CustomResource[] = [];
    const objectStore = (suffix: string, store: ObjectStoreArgs, retention?: string) => {
      const resource = createObjectStore(
        `${name}-${suffix}`,
        { namespace, name: `${clusterName}-${suffix}`, store, retention },
        childOpts,
      );
      stores.push(resource);
      return resource;
    };
    const backupStore = args.backup
      ? objectStore("backup", args.backup, args.backup.retention)
      : undefined;
    // Restoring from the path it backs up to reuses that ObjectStore (under a new cluster name).
    const restoreStore =
      args.restore === undefined
        ? undefined
        : backupStore && args.backup?.destinationPath === args.restore.destinationPath
          ? backupStore
          : objectStore("restore", args.restore);

    this.cluster = new k8s.apiextensions.CustomResource(
      `${name}-cluster`,
      {
        apiVersion: "postgresql.cnpg.io/v1",
        kind: "Cluster",
        metadata: {
          namespace,
          name: clusterName,
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
          bootstrap: bootstrapSpec(appRole, appSecret.metadata.name, args.restore),
          storage: { size: args.storageSize, storageClass: args.storageClass },
          resources: containerResources(args.resources),
          // Fact 7: backups from a standby stall on DocumentDB's catalog permissions.
          backup: backupStore ? { target: "primary" } : undefined,
          // Fact 8: the plugin replaces the deprecated in-tree barmanObjectStore.
          plugins: backupStore
            ? [
                {
                  name: BARMAN_PLUGIN,
                  isWALArchiver: true,
                  parameters: { barmanObjectName: backupStore.metadata.name },
                },
              ]
            : undefined,
          // Fact 9: recovery reads the source cluster's backups from the object store.
          externalClusters:
            args.restore && restoreStore
              ? [
                  {
                    name: "origin",
                    plugin: {
                      name: BARMAN_PLUGIN,
                      parameters: {
                        barmanObjectName: restoreStore.metadata.name,
                        serverName: args.restore.serverName,
                      },
                    },
                  },
                ]
              : undefined,
        },
      },
      { ...childOpts, protect: args.protect, dependsOn: stores },
    );

    if (backupStore && args.backup) {
      new k8s.apiextensions.CustomResource(
        `${name}-scheduled-backup`,
        {
          apiVersion: "postgresql.cnpg.io/v1",
          kind: "ScheduledBackup",
          metadata: { namespace, name: `${clusterName}-daily` },
          spec: {
            // Six fields, seconds first (fact 8).
            schedule: args.backup.schedule,
            cluster: { name: this.cluster.metadata.name },
            backupOwnerReference: "self",
            immediate: true,
            // Fact 8: without these the webhook defaults to barmanObjectStore and every run fails.
            method: "plugin",
            pluginConfiguration: { name: BARMAN_PLUGIN },
          },
        },
        { ...childOpts, dependsOn: [this.cluster] },
      );
    }

    const instanceLabels = { "cnpg.io/cluster": clusterName };
    const instances = podsLabelled(instanceLabels);
    const { clientLabels, clients } = clientAccess(clusterName);
    workloadNetworkPolicy(
      name,
      {
        metadata: { namespace, name: `${clusterName}-instances` },
        podLabels: instanceLabels,
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
      },
      this,
    );

    this.clusterName = this.cluster.metadata.name;
    this.namespace = pulumi.output(namespace);
    this.readWriteHost = pulumi.interpolate`${this.cluster.metadata.name}-rw.${this.cluster.metadata.namespace}.svc.cluster.local`;
    this.appRole = appRole;
    this.appPassword = password.result;
    this.appSecretName = appSecret.metadata.name;
    this.clientLabels = pulumi.output(clientLabels);
    this.endpoint = { podSelector: instanceLabels, port: POSTGRES_PORT };
    this.backupsEnabled = backupStore !== undefined;

    this.registerOutputs({
      clusterName: this.clusterName,
      readWriteHost: this.readWriteHost,
      appSecretName: this.appSecretName,
    });
  }
}
