import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import {
  BARMAN_PLUGIN,
  CNPG_STATUS_PORT,
  POSTGRES_PORT,
  imagePinProblem,
  parseDocumentDbImageTag,
} from "../domain";
import {
  PodEndpoint,
  ResourceRequests,
  containerResources,
  inNamespace,
  invalidArg,
  tcpPorts,
} from "./types";

export interface ObjectStoreArgs {
  /** e.g. s3://bucket/nightscout */
  destinationPath: string;
  endpointUrl?: string;
  region?: string;
  accessKeyId: pulumi.Input<string>;
  secretAccessKey: pulumi.Input<string>;
}

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
  backup?: ObjectStoreArgs & { retention: string; schedule: string };
  restore?: ObjectStoreArgs & { serverName: string; targetTime?: string };
  /** Protect the cluster from deletion and replacement and keep it on destroy. */
  protect: boolean;
  /** Namespace of the CNPG operator, allowed to reach the instance manager (fact 35). */
  operatorNamespace: string;
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
  public readonly port: number;
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
    // Validate before registering anything, so bad args leave no trace in the state.
    validate(args);
    super("nightscout:database:PostgresCluster", name, {}, opts);

    const appRole = args.appRole ?? "nightscout";
    const clusterName = args.clusterName;
    const childOpts: pulumi.CustomResourceOptions = {
      parent: this,
      // Kept when the stack is destroyed, so the data outlives a mistaken `pulumi destroy`.
      retainOnDelete: args.protect,
    };

    const password = new random.RandomPassword(
      `${name}-app-password`,
      // URI-safe: the password ends up inside FERRETDB_POSTGRESQL_URL.
      { length: 32, special: false },
      { parent: this },
    );
    const appSecret = new k8s.core.v1.Secret(
      `${name}-app`,
      {
        metadata: { namespace: args.namespace, name: `${clusterName}-app-credentials` },
        type: "kubernetes.io/basic-auth",
        stringData: { username: appRole, password: password.result },
      },
      childOpts,
    );

    const stores: Record<string, k8s.apiextensions.CustomResource> = {};
    const objectStore = (suffix: string, store: ObjectStoreArgs, retention?: string) => {
      const credentials = new k8s.core.v1.Secret(
        `${name}-${suffix}-credentials`,
        {
          metadata: { namespace: args.namespace, name: `${clusterName}-${suffix}-s3` },
          stringData: {
            ACCESS_KEY_ID: store.accessKeyId,
            ACCESS_SECRET_KEY: store.secretAccessKey,
            // The plugin reads the region from a Secret too, so it sits beside the keys.
            ...(store.region ? { REGION: store.region } : {}),
          },
        },
        childOpts,
      );
      const resource = new k8s.apiextensions.CustomResource(
        `${name}-${suffix}`,
        {
          apiVersion: "barmancloud.cnpg.io/v1",
          kind: "ObjectStore",
          metadata: { namespace: args.namespace, name: `${clusterName}-${suffix}` },
          spec: {
            retentionPolicy: retention,
            configuration: {
              destinationPath: store.destinationPath,
              endpointURL: store.endpointUrl,
              s3Credentials: {
                accessKeyId: { name: credentials.metadata.name, key: "ACCESS_KEY_ID" },
                secretAccessKey: { name: credentials.metadata.name, key: "ACCESS_SECRET_KEY" },
                region: store.region
                  ? { name: credentials.metadata.name, key: "REGION" }
                  : undefined,
              },
              wal: { compression: "gzip" },
              data: { compression: "gzip" },
            },
          },
        },
        childOpts,
      );
      stores[suffix] = resource;
      return resource;
    };

    const backupStore = args.backup
      ? objectStore("backup", args.backup, args.backup.retention)
      : undefined;
    const restoreStore =
      args.restore === undefined
        ? undefined
        : backupStore && args.backup?.destinationPath === args.restore.destinationPath
          ? backupStore
          : objectStore("restore", args.restore);

    const postgresql = {
      // Fact 3: CNPG does not run the image's entrypoint, so the libraries are declared here.
      shared_preload_libraries: ["pg_cron", "pg_documentdb_core", "pg_documentdb"],
      parameters: {
        "cron.database_name": "postgres",
        // Fact 5: DocumentDB's internal connections use the socket, not passwordless TCP.
        "cron.host": "/controller/run",
        "documentdb.localhost_connection_string": "host=/controller/run user=postgres",
        max_connections: String(args.maxConnections),
      },
      pg_hba: [`local all ${appRole} peer map=documentdb`],
      pg_ident: [`documentdb postgres ${appRole}`],
    };

    const bootstrap = args.restore
      ? {
          // Fact 4: a recovery bootstrap never runs postInitSQL; the restored catalog
          // already holds the extension and the grants. The app role's password is reset
          // to the new Secret so FerretDB can log in.
          recovery: {
            source: "origin",
            database: "nightscout",
            owner: appRole,
            secret: { name: appSecret.metadata.name },
            recoveryTarget: args.restore.targetTime
              ? { targetTime: args.restore.targetTime }
              : undefined,
          },
        }
      : {
          initdb: {
            database: "nightscout",
            owner: appRole,
            secret: { name: appSecret.metadata.name },
            // Fact 4: the extension lives in the `postgres` database (pg_cron).
            postInitSQL: [
              "CREATE EXTENSION IF NOT EXISTS documentdb CASCADE;",
              `GRANT documentdb_admin_role TO ${appRole};`,
            ],
          },
        };

    this.cluster = new k8s.apiextensions.CustomResource(
      `${name}-cluster`,
      {
        apiVersion: "postgresql.cnpg.io/v1",
        kind: "Cluster",
        metadata: {
          namespace: args.namespace,
          name: clusterName,
          // Custom resources are not awaited by default; FerretDB needs a ready primary.
          annotations: { "pulumi.com/waitFor": "condition=Ready" },
        },
        spec: {
          instances: args.instances,
          imageName: args.image,
          // Fact 2: the DocumentDB image runs postgres as 999, CNPG defaults to 26.
          postgresUID: 999,
          postgresGID: 999,
          // Fact 6: the extension and grant tasks need the superuser.
          enableSuperuserAccess: true,
          postgresql,
          bootstrap,
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
      {
        ...childOpts,
        protect: args.protect,
        dependsOn: Object.values(stores),
      },
    );

    if (backupStore && args.backup) {
      new k8s.apiextensions.CustomResource(
        `${name}-scheduled-backup`,
        {
          apiVersion: "postgresql.cnpg.io/v1",
          kind: "ScheduledBackup",
          metadata: { namespace: args.namespace, name: `${clusterName}-daily` },
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

    const podSelector = { "cnpg.io/cluster": clusterName };
    const clientLabel = `nightscout.dev/${clusterName}-client`;
    const needsObjectStore = args.backup !== undefined || args.restore !== undefined;
    new k8s.networking.v1.NetworkPolicy(
      `${name}-network`,
      {
        metadata: { namespace: args.namespace, name: `${clusterName}-instances` },
        spec: {
          podSelector: { matchLabels: podSelector },
          policyTypes: ["Ingress", "Egress"],
          ingress: [
            // Clients that carry this cluster's client label.
            {
              from: [{ podSelector: { matchLabels: { [clientLabel]: "true" } } }],
              ports: tcpPorts(POSTGRES_PORT),
            },
            // Instances replicate from each other and report to each other's status port.
            {
              from: [{ podSelector: { matchLabels: podSelector } }],
              ports: tcpPorts(POSTGRES_PORT, CNPG_STATUS_PORT),
            },
            // The operator polls the instance manager.
            {
              from: [inNamespace(args.operatorNamespace)],
              ports: tcpPorts(CNPG_STATUS_PORT, POSTGRES_PORT),
            },
          ],
          egress: [
            {
              to: [{ podSelector: { matchLabels: podSelector } }],
              ports: tcpPorts(POSTGRES_PORT, CNPG_STATUS_PORT),
            },
            // The instance manager watches its Cluster through the Kubernetes API, and the
            // Barman Cloud sidecar ships WAL to the object store over HTTPS.
            {
              to: [{ ipBlock: { cidr: "0.0.0.0/0" } }],
              ports: tcpPorts(
                443,
                6443,
                ...objectStorePorts(needsObjectStore ? [args.backup, args.restore] : []),
              ),
            },
          ],
        },
      },
      { parent: this },
    );

    this.clusterName = this.cluster.metadata.name;
    this.namespace = pulumi.output(args.namespace);
    this.readWriteHost = pulumi.interpolate`${this.cluster.metadata.name}-rw.${this.cluster.metadata.namespace}.svc.cluster.local`;
    this.port = POSTGRES_PORT;
    this.appRole = appRole;
    this.appPassword = password.result;
    this.appSecretName = appSecret.metadata.name;
    this.clientLabels = pulumi.output({ [clientLabel]: "true" });
    this.endpoint = { podSelector, port: POSTGRES_PORT };
    this.backupsEnabled = backupStore !== undefined;

    this.registerOutputs({
      clusterName: this.clusterName,
      readWriteHost: this.readWriteHost,
      appSecretName: this.appSecretName,
    });
  }
}

/** Extra egress ports for object stores on non-standard ports (e.g. MinIO on 9000). */
function objectStorePorts(stores: (ObjectStoreArgs | undefined)[]) {
  const ports = new Set<number>();
  for (const store of stores) {
    const url = store?.endpointUrl;
    if (!url) continue;
    const parsed = new URL(url);
    const port = parsed.port ? Number(parsed.port) : parsed.protocol === "http:" ? 80 : 443;
    if (port !== 443 && port !== 6443) ports.add(port);
  }
  return [...ports];
}

function validate(args: PostgresClusterArgs) {
  const component = "PostgresCluster";
  if (!Number.isInteger(args.instances) || args.instances < 1) {
    throw invalidArg(
      component,
      "instances",
      args.instances,
      "Use 1 for staging and 3 for production.",
    );
  }
  const pin = imagePinProblem(args.image);
  if (pin)
    throw invalidArg(component, "image", args.image, `The image ${pin}; pin a tag or digest.`);
  if (!parseDocumentDbImageTag(args.image)) {
    throw invalidArg(
      component,
      "image",
      args.image,
      "Use a postgres-documentdb image tagged <pg>-<documentdb>-ferretdb-<ferretdb>.",
    );
  }
  if (args.appRole !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(args.appRole)) {
    throw invalidArg(component, "appRole", args.appRole, "Use a lowercase SQL identifier.");
  }
  if (args.backup && args.backup.schedule.trim().split(/\s+/).length !== 6) {
    throw invalidArg(
      component,
      "backup.schedule",
      args.backup.schedule,
      'ScheduledBackup needs six cron fields, seconds first, e.g. "0 45 2 * * *".',
    );
  }
}
