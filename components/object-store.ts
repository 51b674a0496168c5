/**
 * The Barman Cloud plugin's ObjectStore (fact 8): where a PostgresCluster archives WAL and
 * base backups, or reads them back to restore (fact 9). Each one is a Secret with the keys
 * plus the ObjectStore resource that points at it.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { invalidArg } from "./arg-validation";
import { HTTPS_PORT, KUBE_APISERVER_PORT } from "./network-policy";

/** An S3-compatible object store. */
export interface ObjectStoreArgs {
  /** e.g. s3://bucket/nightscout */
  destinationPath: string;
  /** http(s) URL of an S3-compatible endpoint; unset: AWS S3. */
  endpointUrl?: string;
  region?: string;
  accessKeyId: pulumi.Input<string>;
  secretAccessKey: pulumi.Input<string>;
}

/** Throws when `store` (the component's `args.<field>`) names an endpoint that is no http(s) URL. */
export function validateObjectStoreArgs(
  component: string,
  field: string,
  store: ObjectStoreArgs | undefined,
): void {
  const url = store?.endpointUrl;
  if (url !== undefined && !isHttpUrl(url)) {
    throw invalidArg(
      component,
      `${field}.endpointUrl`,
      url,
      "Use an http(s) URL such as https://s3.example.org.",
    );
  }
}

function isHttpUrl(url: string): boolean {
  return URL.canParse(url) && ["http:", "https:"].includes(new URL(url).protocol);
}

/** The keys of an object store, and its region: the plugin reads the region from a Secret too. */
export function objectStoreCredentials(
  store: ObjectStoreArgs,
): Record<string, pulumi.Input<string>> {
  return {
    ACCESS_KEY_ID: store.accessKeyId,
    ACCESS_SECRET_KEY: store.secretAccessKey,
    ...(store.region ? { REGION: store.region } : {}),
  };
}

/** The ObjectStore's spec, reading its keys from the Secret `credentialsSecret`. */
export function objectStoreSpec(
  store: ObjectStoreArgs,
  credentialsSecret: pulumi.Input<string>,
  retention: string | undefined,
) {
  const key = (name: string) => ({ name: credentialsSecret, key: name });
  return {
    retentionPolicy: retention,
    configuration: {
      destinationPath: store.destinationPath,
      endpointURL: store.endpointUrl,
      s3Credentials: {
        accessKeyId: key("ACCESS_KEY_ID"),
        secretAccessKey: key("ACCESS_SECRET_KEY"),
        region: store.region ? key("REGION") : undefined,
      },
      wal: { compression: "gzip" },
      data: { compression: "gzip" },
    },
  };
}

/** Plain HTTP's port, for an endpoint URL `http://host/` that names none. */
const HTTP_PORT = 80;

/**
 * Ports the instances must reach beyond those they always may (HTTPS, the API server): an
 * endpoint's own port, e.g. MinIO on 9000, or the scheme's when the URL names none.
 */
export function objectStoreEgressPorts(stores: (ObjectStoreArgs | undefined)[]): number[] {
  const ports = new Set<number>();
  for (const url of stores.map((store) => store?.endpointUrl)) {
    if (!url) continue;
    const parsed = new URL(url);
    const port = parsed.port
      ? Number(parsed.port)
      : parsed.protocol === "http:"
        ? HTTP_PORT
        : HTTPS_PORT;
    if (port !== HTTPS_PORT && port !== KUBE_APISERVER_PORT) ports.add(port);
  }
  return [...ports];
}

export interface CreateObjectStoreArgs {
  namespace: pulumi.Input<string>;
  /** The ObjectStore's name; its credentials Secret is `<name>-s3`. */
  name: string;
  store: ObjectStoreArgs;
  /** How long backups are kept; unset for a store that is only read from. */
  retention?: string;
}

/**
 * Registers the credentials Secret (`<resourceName>-credentials`) and the ObjectStore
 * (`<resourceName>`), both with `opts` (the caller's parent and retention on delete).
 */
export function createObjectStore(
  resourceName: string,
  args: CreateObjectStoreArgs,
  opts: pulumi.CustomResourceOptions,
): k8s.apiextensions.CustomResource {
  const credentials = new k8s.core.v1.Secret(
    `${resourceName}-credentials`,
    {
      metadata: { namespace: args.namespace, name: `${args.name}-s3` },
      stringData: objectStoreCredentials(args.store),
    },
    opts,
  );
  return new k8s.apiextensions.CustomResource(
    resourceName,
    {
      apiVersion: "barmancloud.cnpg.io/v1",
      kind: "ObjectStore",
      metadata: { namespace: args.namespace, name: args.name },
      spec: objectStoreSpec(args.store, credentials.metadata.name, args.retention),
    },
    opts,
  );
}

/**
 * Registers a cluster's ObjectStores, each as `<resourceName>-<backup|restore>`: the backup's,
 * and the restore's unless it reads the path the cluster backs up to, where the backup's
 * ObjectStore serves both (the new cluster name keeps their files apart).
 */
export function createClusterObjectStores(
  resourceName: string,
  args: {
    namespace: pulumi.Input<string>;
    clusterName: string;
    backup?: ObjectStoreArgs & { retention: string };
    restore?: ObjectStoreArgs;
  },
  opts: pulumi.CustomResourceOptions,
) {
  const { namespace, clusterName, backup, restore } = args;
  const create = (suffix: string, store: ObjectStoreArgs, retention?: string) =>
    createObjectStore(
      `${resourceName}-${suffix}`,
      { namespace, name: `${clusterName}-${suffix}`, store, retention },
      opts,
    );
  const backupStore = backup ? create("backup", backup, backup.retention) : undefined;
  const restoreStore =
    restore === undefined
      ? undefined
      : backupStore && backup?.destinationPath === restore.destinationPath
        ? backupStore
        : create("restore", restore);
  const all = [...new Set([backupStore, restoreStore])].filter((store) => store !== undefined);
  return { backup: backupStore, restore: restoreStore, all };
}
