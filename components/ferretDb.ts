import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
  FERRETDB_DEBUG_PORT,
  FERRETDB_PORT,
  imagePinProblem,
  parseFerretDbImageVersion,
} from "../domain";
import {
  PodEndpoint,
  ResourceRequests,
  containerResources,
  egressTo,
  invalidArg,
  restrictedContainerSecurity,
  restrictedPodSecurity,
  tcpPorts,
} from "./types";

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

/**
 * FerretDB v2: the MongoDB wire protocol in front of DocumentDB. Clients authenticate with
 * the PostgreSQL role's SCRAM credentials (fact 15), so the MongoDB URI it outputs carries the
 * same role and is secret.
 */
export class FerretDb extends pulumi.ComponentResource {
  public readonly serviceName: pulumi.Output<string>;
  /** In-cluster DNS name of the Service. */
  public readonly host: pulumi.Output<string>;
  public readonly port: number;
  /** mongodb:// URI for in-cluster clients, with credentials: secret. */
  public readonly mongoUri: pulumi.Output<string>;
  /** Labels a pod must carry to be allowed in on the MongoDB port. */
  public readonly clientLabels: pulumi.Output<Record<string, string>>;
  public readonly endpoint: PodEndpoint;
  public readonly deployment: k8s.apps.v1.Deployment;
  public readonly service: k8s.core.v1.Service;

  constructor(name: string, args: FerretDbArgs, opts?: pulumi.ComponentResourceOptions) {
    // Validate before registering anything, so bad args leave no trace in the state.
    validate(args);
    super("nightscout:ferretdb:FerretDb", name, {}, opts);

    const labels = { "app.kubernetes.io/name": "ferretdb", "app.kubernetes.io/instance": name };
    const clientLabel = `nightscout.dev/${name}-client`;
    const mongoDatabase = args.mongoDatabase ?? "nightscout";
    const db = args.database;

    // Fact 13: the -rw service, database `postgres`, delivered from a Secret.
    const postgresUrl = pulumi.secret(
      pulumi.interpolate`postgres://${db.role}:${db.password}@${db.host}:${db.port}/postgres?pool_max_conns=${args.poolSize}`,
    );
    const secret = new k8s.core.v1.Secret(
      `${name}-postgres`,
      {
        metadata: { namespace: args.namespace, name: `${name}-postgres-url`, labels },
        stringData: { FERRETDB_POSTGRESQL_URL: postgresUrl },
      },
      { parent: this },
    );

    const probe = (path: string, periodSeconds: number, failureThreshold: number) => ({
      httpGet: { path, port: "debug" },
      periodSeconds,
      timeoutSeconds: 3,
      failureThreshold,
    });

    this.deployment = new k8s.apps.v1.Deployment(
      `${name}-deployment`,
      {
        metadata: {
          namespace: args.namespace,
          name,
          labels,
          // The policy pack checks replicas x pool size against max_connections (fact 17).
          annotations: { "nightscout.dev/pool-size": String(args.poolSize) },
        },
        spec: {
          replicas: args.replicas,
          // A new pod is ready before an old one goes; the connection budget counts it.
          strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
          selector: { matchLabels: labels },
          template: {
            metadata: {
              labels: pulumi.output(db.clientLabels).apply((client) => ({ ...labels, ...client })),
            },
            spec: {
              automountServiceAccountToken: false,
              securityContext: restrictedPodSecurity(1000),
              containers: [
                {
                  name: "ferretdb",
                  image: args.image,
                  ports: [
                    { name: "mongodb", containerPort: FERRETDB_PORT },
                    { name: "debug", containerPort: FERRETDB_DEBUG_PORT },
                  ],
                  env: [
                    {
                      name: "FERRETDB_POSTGRESQL_URL",
                      valueFrom: {
                        secretKeyRef: {
                          name: secret.metadata.name,
                          key: "FERRETDB_POSTGRESQL_URL",
                        },
                      },
                    },
                    // Fact 14: the default "undecided" reports home.
                    { name: "FERRETDB_TELEMETRY", value: "disable" },
                  ],
                  resources: containerResources(args.resources),
                  // Fact 16: FerretDB can come up before PostgreSQL and not recover, so a
                  // startup budget, then readiness that pings through DocumentDB.
                  startupProbe: probe("/debug/readyz", 5, 60),
                  readinessProbe: probe("/debug/readyz", 10, 3),
                  livenessProbe: probe("/debug/livez", 20, 3),
                  securityContext: restrictedContainerSecurity(true),
                  // FERRETDB_STATE_DIR is /state in the image; the root filesystem is read-only.
                  volumeMounts: [{ name: "state", mountPath: "/state" }],
                },
              ],
              volumes: [{ name: "state", emptyDir: { sizeLimit: "16Mi" } }],
            },
          },
        },
      },
      { parent: this },
    );

    this.service = new k8s.core.v1.Service(
      `${name}-service`,
      {
        metadata: { namespace: args.namespace, name, labels },
        spec: {
          selector: labels,
          ports: [{ name: "mongodb", port: FERRETDB_PORT, targetPort: "mongodb" }],
        },
      },
      { parent: this },
    );

    if (args.replicas > 1) {
      new k8s.policy.v1.PodDisruptionBudget(
        `${name}-pdb`,
        {
          metadata: { namespace: args.namespace, name, labels },
          spec: { minAvailable: 1, selector: { matchLabels: labels } },
        },
        { parent: this },
      );
    }

    new k8s.networking.v1.NetworkPolicy(
      `${name}-network`,
      {
        metadata: { namespace: args.namespace, name, labels },
        spec: {
          podSelector: { matchLabels: labels },
          policyTypes: ["Ingress", "Egress"],
          ingress: [
            {
              from: [{ podSelector: { matchLabels: { [clientLabel]: "true" } } }],
              ports: tcpPorts(FERRETDB_PORT),
            },
          ],
          egress: [egressTo(db.endpoint)],
        },
      },
      { parent: this },
    );

    this.serviceName = this.service.metadata.name;
    this.host = pulumi.interpolate`${this.service.metadata.name}.${this.service.metadata.namespace}.svc.cluster.local`;
    this.port = FERRETDB_PORT;
    this.mongoUri = pulumi.secret(
      pulumi.interpolate`mongodb://${db.role}:${db.password}@${this.host}:${FERRETDB_PORT}/${mongoDatabase}`,
    );
    this.clientLabels = pulumi.output({ [clientLabel]: "true" });
    this.endpoint = { podSelector: labels, port: FERRETDB_PORT };

    this.registerOutputs({
      serviceName: this.serviceName,
      host: this.host,
      mongoUri: this.mongoUri,
    });
  }
}

function validate(args: FerretDbArgs) {
  const component = "FerretDb";
  const pin = imagePinProblem(args.image);
  if (pin)
    throw invalidArg(component, "image", args.image, `The image ${pin}; pin a tag or digest.`);
  const version = parseFerretDbImageVersion(args.image);
  if (!version || !version.startsWith("2.")) {
    throw invalidArg(
      component,
      "image",
      args.image,
      "Use a FerretDB v2 image, e.g. ghcr.io/ferretdb/ferretdb:2.7.0.",
    );
  }
  if (!Number.isInteger(args.replicas) || args.replicas < 1) {
    throw invalidArg(component, "replicas", args.replicas, "Use a whole number of at least 1.");
  }
  if (!Number.isInteger(args.poolSize) || args.poolSize < 1) {
    throw invalidArg(component, "poolSize", args.poolSize, "Use a whole number of at least 1.");
  }
  if (args.mongoDatabase !== undefined && !/^[A-Za-z0-9_-]{1,63}$/.test(args.mongoDatabase)) {
    throw invalidArg(
      component,
      "mongoDatabase",
      args.mongoDatabase,
      "Use letters, digits, _ or -.",
    );
  }
}
