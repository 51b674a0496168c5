import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
  FERRETDB_DEBUG_PORT,
  FERRETDB_PORT,
  FERRETDB_ROLLOUT_SURGE,
  POOL_SIZE_ANNOTATION,
  ferretDbV2Problem,
} from "../domain";
import { invalidArg, requirePinnedImage, requireWholeNumber } from "./arg-validation";
import {
  NetworkPolicySpec,
  allowFrom,
  clientAccess,
  egressTo,
  networkPolicy,
} from "./network-policy";
import {
  WorkloadMetadata,
  restrictedPodTemplate,
  workloadMetadata,
  workloadServiceArgs,
} from "./workload";
import { PodEndpoint, ResourceRequests } from "./types";

/** What FerretDB needs to know about the PostgreSQL cluster, all taken from its outputs. */
export interface FerretDbDatabase {
  host: pulumi.Input<string>;
  port: number;
  role: string;
  password: pulumi.Input<string>;
  /** Labels that admit a pod to the database (the cluster's network policy). */
  clientLabels: pulumi.Input<Record<string, string>>;
  endpoint: PodEndpoint;
}

export interface FerretDbArgs {
  namespace: pulumi.Input<string>;
  /** ghcr.io/ferretdb/ferretdb:<v2 version>, pinned. */
  image: string;
  replicas: number;
  /** Maximum PostgreSQL connections per pod (pgx pool_max_conns; FerretDB's default is 50). */
  poolSize: number;
  resources: ResourceRequests;
  database: FerretDbDatabase;
  /** Database name Nightscout stores its collections in (fact 19: it must be in the URI). */
  mongoDatabase?: string;
}

/** MongoDB database names: fewer than 64 characters, and none of / \ . " $ or spaces. */
const MONGO_DATABASE_NAME = /^[A-Za-z0-9_-]{1,63}$/;

/** Throws, before anything is registered, on args FerretDB v2 cannot run with. */
export function validateFerretDbArgs(args: FerretDbArgs): void {
  const component = "FerretDb";
  requirePinnedImage(component, "image", args.image);
  if (ferretDbV2Problem(args.image)) {
    throw invalidArg(
      component,
      "image",
      args.image,
      "Use a FerretDB v2 image, e.g. ghcr.io/ferretdb/ferretdb:2.7.0.",
    );
  }
  // Zero replicas would leave Nightscout without its database.
  requireWholeNumber(component, "replicas", args.replicas, 1, "Use a whole number of at least 1.");
  // A pool of zero connections cannot serve a single request.
  requireWholeNumber(component, "poolSize", args.poolSize, 1, "Use a whole number of at least 1.");
  if (args.mongoDatabase !== undefined && !MONGO_DATABASE_NAME.test(args.mongoDatabase)) {
    throw invalidArg(
      component,
      "mongoDatabase",
      args.mongoDatabase,
      "Use letters, digits, _ or -.",
    );
  }
}

/** Fact 12: the image is FROM scratch and runs as UID 1000. */
const FERRETDB_IMAGE_UID = 1000;

/**
 * What the connection budget assumes about a FerretDB rollout (fact 17): at most
 * FERRETDB_ROLLOUT_SURGE pods beyond `replicas`, each holding up to `poolSize` connections,
 * and the annotation that lets the policy pack check the same sum on the rendered Deployment.
 */
export function ferretDbRollout(poolSize: number) {
  return {
    annotations: { [POOL_SIZE_ANNOTATION]: String(poolSize) },
    strategy: {
      type: "RollingUpdate",
      // The new pod is ready before an old one goes: no moment without a MongoDB endpoint.
      rollingUpdate: { maxSurge: FERRETDB_ROLLOUT_SURGE, maxUnavailable: 0 },
    },
  };
}

/** Fact 13: the -rw service, database `postgres`, with the pool size capping connections. */
export function ferretDbPostgresUrl(database: FerretDbDatabase, poolSize: number) {
  const { role, password, host, port } = database;
  return pulumi.secret(
    pulumi.interpolate`postgres://${role}:${password}@${host}:${port}/postgres?pool_max_conns=${poolSize}`,
  );
}

/**
 * An HTTP probe on the debug port (fact 16). The 3 s timeout covers readyz's ping through
 * PostgreSQL on the same cluster network; slower than that, the pod should not get traffic.
 */
function debugProbe(path: string, periodSeconds: number, failureThreshold: number) {
  return { httpGet: { path, port: "debug" }, periodSeconds, timeoutSeconds: 3, failureThreshold };
}

/** The FerretDB container: its ports, env (the URL from `urlSecret`) and probes. */
export function ferretDbContainer(
  image: string,
  urlSecret: pulumi.Input<string>,
): k8s.types.input.core.v1.Container {
  return {
    name: "ferretdb",
    image,
    ports: [
      { name: "mongodb", containerPort: FERRETDB_PORT },
      { name: "debug", containerPort: FERRETDB_DEBUG_PORT },
    ],
    env: [
      {
        name: "FERRETDB_POSTGRESQL_URL",
        valueFrom: { secretKeyRef: { name: urlSecret, key: "FERRETDB_POSTGRESQL_URL" } },
      },
      // Fact 14: the default "undecided" reports home.
      { name: "FERRETDB_TELEMETRY", value: "disable" },
    ],
    // Fact 16: FerretDB can come up before PostgreSQL and not recover, so a startup budget
    // of 5 s x 60 = 5 minutes for PostgreSQL to come up, then readiness that pings through
    // DocumentDB every 10 s, and liveness that restarts a hung process after a minute.
    startupProbe: debugProbe("/debug/readyz", 5, 60),
    readinessProbe: debugProbe("/debug/readyz", 10, 3),
    livenessProbe: debugProbe("/debug/livez", 20, 3),
  };
}

/** The Deployment: FerretDB's pods, rolled out within the connection budget (fact 17). */
export function ferretDbDeploymentArgs(
  metadata: WorkloadMetadata,
  args: FerretDbArgs,
  urlSecretName: pulumi.Input<string>,
): k8s.apps.v1.DeploymentArgs {
  const { labels } = metadata;
  const rollout = ferretDbRollout(args.poolSize);
  return {
    metadata: { ...metadata, annotations: rollout.annotations },
    spec: {
      replicas: args.replicas,
      strategy: rollout.strategy,
      selector: { matchLabels: labels },
      template: restrictedPodTemplate({
        labels,
        clientLabels: args.database.clientLabels,
        uid: FERRETDB_IMAGE_UID,
        container: ferretDbContainer(args.image, urlSecretName),
        resources: args.resources,
        // FERRETDB_STATE_DIR is /state in the image; it holds one small state file, so
        // 16Mi is plenty and stops a runaway writer from filling the node's disk.
        scratch: { name: "state", mountPath: "/state", sizeLimit: "16Mi" },
      }),
    },
  };
}

/** Its clients in on the MongoDB port; out only to the database. */
export function ferretDbNetworkPolicy(
  metadata: WorkloadMetadata,
  clients: ReturnType<typeof clientAccess>["clients"],
  database: PodEndpoint,
): NetworkPolicySpec {
  return {
    metadata,
    podLabels: metadata.labels,
    ingress: [allowFrom([clients], FERRETDB_PORT)],
    egress: [egressTo(database)],
  };
}

/**
 * FerretDB v2: the MongoDB wire protocol in front of DocumentDB. Clients authenticate with
 * the PostgreSQL role's SCRAM credentials (fact 15), so the MongoDB URI it outputs carries the
 * same role and is secret.
 */
export class FerretDb extends pulumi.ComponentResource {
  public readonly serviceName: pulumi.Output<string>;
  /** In-cluster DNS name of the Service. */
  public readonly host: pulumi.Output<string>;
  public readonly port: number = FERRETDB_PORT;
  /** mongodb:// URI for in-cluster clients, with credentials: secret. */
  public readonly mongoUri: pulumi.Output<string>;
  /** Labels a pod must carry to be allowed in on the MongoDB port. */
  public readonly clientLabels: pulumi.Output<Record<string, string>>;
  public readonly endpoint: PodEndpoint;
  public readonly deployment: k8s.apps.v1.Deployment;
  public readonly service: k8s.core.v1.Service;

  constructor(name: string, args: FerretDbArgs, opts?: pulumi.ComponentResourceOptions) {
    // Before super(): bad args throw with nothing registered, so they leave no trace in the state.
    validateFerretDbArgs(args);
    super("nightscout:ferretdb:FerretDb", name, {}, opts);

    const { database } = args;
    const metadata = workloadMetadata("ferretdb", name, args.namespace);
    const { labels } = metadata;
    const mongoDatabase = args.mongoDatabase ?? "nightscout";

    // Fact 13: the URL holds the password, so the pod reads it from a Secret.
    const urlSecret = new k8s.core.v1.Secret(
      `${name}-postgres`,
      {
        metadata: { ...metadata, name: `${name}-postgres-url` },
        stringData: { FERRETDB_POSTGRESQL_URL: ferretDbPostgresUrl(database, args.poolSize) },
      },
      { parent: this },
    );
    this.deployment = new k8s.apps.v1.Deployment(
      `${name}-deployment`,
      ferretDbDeploymentArgs(metadata, args, urlSecret.metadata.name),
      { parent: this },
    );
    const mongodbPort = { name: "mongodb", port: FERRETDB_PORT };
    this.service = new k8s.core.v1.Service(
      `${name}-service`,
      workloadServiceArgs(metadata, mongodbPort),
      { parent: this },
    );

    // With more than one replica, a node drain keeps one serving; with one, a PDB that keeps
    // it would block the drain forever.
    if (args.replicas > 1) {
      new k8s.policy.v1.PodDisruptionBudget(
        `${name}-pdb`,
        { metadata, spec: { minAvailable: 1, selector: { matchLabels: labels } } },
        { parent: this },
      );
    }

    const { clientLabels, clients } = clientAccess(name);
    const policy = ferretDbNetworkPolicy(metadata, clients, database.endpoint);
    networkPolicy(`${name}-network`, policy, { parent: this });

    this.serviceName = this.service.metadata.name;
    this.host = pulumi.interpolate`${this.service.metadata.name}.${this.service.metadata.namespace}.svc.cluster.local`;
    this.mongoUri = pulumi.secret(
      pulumi.interpolate`mongodb://${database.role}:${database.password}@${this.host}:${FERRETDB_PORT}/${mongoDatabase}`,
    );
    this.clientLabels = pulumi.output(clientLabels);
    this.endpoint = { podSelector: labels, port: FERRETDB_PORT };

    this.registerOutputs({
      serviceName: this.serviceName,
      host: this.host,
      mongoUri: this.mongoUri,
    });
  }
}
