/**
 * Compliant resources shaped like the program's, so each spec breaks exactly one rule of a
 * known-good baseline.
 */
import type { TestResource } from "./helpers";

export const NS = "nightscout";

export const secretEnv = (name: string, secret: string, key: string) => ({
  name,
  valueFrom: { secretKeyRef: { name: secret, key } },
});

const restricted = {
  runAsNonRoot: true,
  runAsUser: 1000,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ["ALL"] },
};

const forwardedHttps = [{ name: "X-Forwarded-Proto", value: "https" }];

export function nightscoutDeployment(): TestResource {
  return {
    type: "kubernetes:apps/v1:Deployment",
    name: "nightscout",
    props: {
      metadata: { name: "nightscout", namespace: NS },
      spec: {
        replicas: 1,
        strategy: { type: "Recreate" },
        selector: { matchLabels: { app: "nightscout" } },
        template: {
          metadata: { labels: { app: "nightscout" } },
          spec: {
            securityContext: { seccompProfile: { type: "RuntimeDefault" }, runAsNonRoot: true },
            containers: [
              {
                name: "nightscout",
                image: "nightscout/cgm-remote-monitor:15.0.7",
                ports: [{ name: "http", containerPort: 1337 }],
                env: [
                  secretEnv("API_SECRET", "nightscout", "api-secret"),
                  secretEnv("MONGODB_URI", "nightscout", "mongodb-uri"),
                  { name: "HOSTNAME", value: "0.0.0.0" },
                  { name: "DISPLAY_UNITS", value: "mmol" },
                  { name: "BG_HIGH", value: "14" },
                  { name: "BG_TARGET_TOP", value: "10" },
                  { name: "BG_TARGET_BOTTOM", value: "4" },
                  { name: "BG_LOW", value: "3.5" },
                  { name: "ALARM_TYPES", value: "simple" },
                  { name: "AUTH_DEFAULT_ROLES", value: "status-only" },
                  { name: "INSECURE_USE_HTTP", value: "false" },
                ],
                resources: {
                  requests: { cpu: "50m", memory: "256Mi" },
                  limits: { memory: "512Mi" },
                },
                securityContext: restricted,
                startupProbe: {
                  httpGet: {
                    path: "/api/v1/verifyauth",
                    port: "http",
                    httpHeaders: forwardedHttps,
                  },
                  failureThreshold: 60,
                },
                readinessProbe: {
                  httpGet: {
                    path: "/api/v1/verifyauth",
                    port: "http",
                    httpHeaders: forwardedHttps,
                  },
                },
                livenessProbe: {
                  httpGet: {
                    path: "/api/v1/verifyauth",
                    port: "http",
                    httpHeaders: forwardedHttps,
                  },
                },
              },
            ],
          },
        },
      },
    },
  };
}

export function ferretdbDeployment(): TestResource {
  return {
    type: "kubernetes:apps/v1:Deployment",
    name: "ferretdb",
    props: {
      metadata: {
        name: "ferretdb",
        namespace: NS,
        annotations: { "nightscout.dev/pool-size": "20" },
      },
      spec: {
        replicas: 2,
        strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
        selector: { matchLabels: { app: "ferretdb" } },
        template: {
          metadata: { labels: { app: "ferretdb" } },
          spec: {
            securityContext: { seccompProfile: { type: "RuntimeDefault" } },
            containers: [
              {
                name: "ferretdb",
                image: "ghcr.io/ferretdb/ferretdb:2.7.0",
                ports: [
                  { name: "mongodb", containerPort: 27017 },
                  { name: "debug", containerPort: 8088 },
                ],
                env: [
                  secretEnv("FERRETDB_POSTGRESQL_URL", "ferretdb", "postgresql-url"),
                  { name: "FERRETDB_TELEMETRY", value: "disable" },
                ],
                resources: {
                  requests: { cpu: "50m", memory: "128Mi" },
                  limits: { memory: "256Mi" },
                },
                securityContext: { ...restricted },
                startupProbe: {
                  httpGet: { path: "/debug/readyz", port: 8088 },
                  failureThreshold: 30,
                },
                readinessProbe: { httpGet: { path: "/debug/readyz", port: 8088 } },
                livenessProbe: { httpGet: { path: "/debug/livez", port: 8088 } },
              },
            ],
          },
        },
      },
    },
  };
}

export const DOCUMENTDB_IMAGE = "ghcr.io/ferretdb/postgres-documentdb:17-0.107.0-ferretdb-2.7.0";

export function documentdbCluster(): TestResource {
  return {
    type: "kubernetes:postgresql.cnpg.io/v1:Cluster",
    name: "postgres",
    protect: true,
    props: {
      metadata: { name: "postgres", namespace: NS },
      spec: {
        instances: 3,
        imageName: DOCUMENTDB_IMAGE,
        postgresUID: 999,
        postgresGID: 999,
        enableSuperuserAccess: true,
        resources: { requests: { cpu: "100m", memory: "384Mi" } },
        storage: { size: "10Gi" },
        postgresql: {
          shared_preload_libraries: ["pg_cron", "pg_documentdb_core", "pg_documentdb"],
          parameters: {
            "cron.database_name": "postgres",
            "cron.host": "/controller/run",
            "documentdb.localhost_connection_string": "host=/controller/run user=postgres",
            max_connections: "100",
          },
          pg_ident: ["local postgres ferretdb"],
        },
        bootstrap: {
          initdb: {
            database: "app",
            owner: "ferretdb",
            postInitSQL: [
              "CREATE EXTENSION IF NOT EXISTS documentdb CASCADE;",
              "GRANT documentdb_admin_role TO ferretdb;",
            ],
          },
        },
        backup: { target: "primary" },
        plugins: [
          {
            name: "barman-cloud.cloudnative-pg.io",
            isWALArchiver: true,
            parameters: { barmanObjectName: "backups" },
          },
        ],
      },
    },
  };
}

export function objectStore(): TestResource {
  return {
    type: "kubernetes:barmancloud.cnpg.io/v1:ObjectStore",
    name: "backups",
    props: {
      metadata: { name: "backups", namespace: NS },
      spec: { configuration: { destinationPath: "s3://backups/nightscout" } },
    },
  };
}

export function scheduledBackup(): TestResource {
  return {
    type: "kubernetes:postgresql.cnpg.io/v1:ScheduledBackup",
    name: "nightly",
    props: {
      metadata: { name: "nightly", namespace: NS },
      spec: {
        schedule: "0 45 2 * * *",
        cluster: { name: "postgres" },
        method: "plugin",
        pluginConfiguration: { name: "barman-cloud.cloudnative-pg.io" },
      },
    },
  };
}

export function ingress(): TestResource {
  return {
    type: "kubernetes:networking.k8s.io/v1:Ingress",
    name: "nightscout",
    props: {
      metadata: {
        name: "nightscout",
        namespace: NS,
        annotations: {
          "cert-manager.io/cluster-issuer": "letsencrypt",
          "traefik.ingress.kubernetes.io/router.middlewares": `${NS}-redirect-https@kubernetescrd`,
        },
      },
      spec: {
        ingressClassName: "traefik",
        tls: [{ hosts: ["ns.example.org"], secretName: "nightscout-tls" }],
        rules: [
          {
            host: "ns.example.org",
            http: {
              paths: [
                {
                  path: "/",
                  pathType: "Prefix",
                  backend: { service: { name: "nightscout", port: { number: 80 } } },
                },
              ],
            },
          },
        ],
      },
    },
  };
}

export function redirectMiddleware(): TestResource {
  return {
    type: "kubernetes:traefik.io/v1alpha1:Middleware",
    name: "redirect-https",
    props: {
      metadata: { name: "redirect-https", namespace: NS },
      spec: { redirectScheme: { scheme: "https", permanent: true } },
    },
  };
}

const netpol = (name: string, spec: Record<string, unknown>): TestResource => ({
  type: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
  name,
  props: { metadata: { name, namespace: NS }, spec },
});

export function networkPolicySet(): TestResource[] {
  return [
    netpol("default-deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"] }),
    netpol("dns", {
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [{ ports: [{ port: 53, protocol: "UDP" }] }],
    }),
    netpol("nightscout", {
      podSelector: { matchLabels: { app: "nightscout" } },
      policyTypes: ["Ingress"],
      ingress: [{ ports: [{ port: 1337 }] }],
    }),
    netpol("ferretdb", {
      podSelector: { matchLabels: { app: "ferretdb" } },
      policyTypes: ["Ingress"],
      ingress: [
        {
          from: [{ podSelector: { matchLabels: { app: "nightscout" } } }],
          ports: [{ port: 27017 }],
        },
      ],
    }),
    netpol("postgres", {
      podSelector: { matchLabels: { "cnpg.io/cluster": "postgres" } },
      policyTypes: ["Ingress"],
      ingress: [
        { from: [{ podSelector: { matchLabels: { app: "ferretdb" } } }], ports: [{ port: 5432 }] },
        { ports: [{ port: 8000 }] },
      ],
    }),
  ];
}
