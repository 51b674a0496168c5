import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { NIGHTSCOUT_PORT, imagePinProblem, isSecretLookingEnv } from "../domain";
import {
  PodEndpoint,
  ResourceRequests,
  containerResources,
  egressTo,
  inNamespace,
  invalidArg,
  restrictedContainerSecurity,
  restrictedPodSecurity,
  tcpPorts,
} from "./types";

export interface NightscoutIngressArgs {
  className: string;
  /** cert-manager ClusterIssuer; with it, tlsSecretName is where the certificate is written. */
  clusterIssuer?: string;
  tlsSecretName?: string;
  /** An existing Traefik middleware reference; unset creates the HTTPS redirect here. */
  redirectMiddleware?: string;
  /** Namespace of the ingress controller, the only source allowed in (fact 35). */
  controllerNamespace: string;
}

export interface NightscoutArgs {
  namespace: pulumi.Input<string>;
  /** nightscout/cgm-remote-monitor, pinned (fact 18). */
  image: string;
  hostname: string;
  apiSecret: pulumi.Input<string>;
  /** MongoDB URI with the database name in its path (fact 19); secret. */
  mongoUri: pulumi.Input<string>;
  /** Labels that admit a pod to FerretDB, from FerretDb's outputs. */
  databaseClientLabels: pulumi.Input<Record<string, string>>;
  database: PodEndpoint;
  /** Environment Nightscout reads its settings from: units, thresholds, roles, plugins. */
  settings: Record<string, string>;
  resources: ResourceRequests;
  ingress: NightscoutIngressArgs;
  /** Whether enabled plugins call out to the internet (Dexcom bridge, Pushover, ...). */
  allowInternetEgress: boolean;
}

/** Settings that must come from the component itself, never from `settings`. */
const RESERVED_ENV = ["API_SECRET", "MONGODB_URI", "HOSTNAME", "PORT", "BASE_URL"];

/**
 * Nightscout (cgm-remote-monitor 15.0.7): one replica with the Recreate strategy, secrets
 * from a Secret, probes that work with any default roles, behind a TLS Ingress with an
 * HTTPS redirect.
 */
export class Nightscout extends pulumi.ComponentResource {
  public readonly url: string;
  public readonly serviceName: pulumi.Output<string>;
  public readonly servicePort: number;
  public readonly deployment: k8s.apps.v1.Deployment;
  public readonly ingress: k8s.networking.v1.Ingress;

  constructor(name: string, args: NightscoutArgs, opts?: pulumi.ComponentResourceOptions) {
    // Validate before registering anything, so bad args leave no trace in the state.
    validate(args);
    super("nightscout:app:Nightscout", name, {}, opts);

    const labels = { "app.kubernetes.io/name": "nightscout", "app.kubernetes.io/instance": name };
    this.url = `https://${args.hostname}`;

    const secret = new k8s.core.v1.Secret(
      `${name}-secrets`,
      {
        metadata: { namespace: args.namespace, name: `${name}-secrets`, labels },
        stringData: { API_SECRET: args.apiSecret, MONGODB_URI: args.mongoUri },
      },
      { parent: this },
    );
    const fromSecret = (key: string) => ({
      name: key,
      valueFrom: { secretKeyRef: { name: secret.metadata.name, key } },
    });

    // Fact 25: with INSECURE_USE_HTTP off, Nightscout redirects plain-HTTP requests, and the
    // kubelet would count the redirect as healthy; the header makes probes see the real answer.
    // Fact 27: /api/v1/verifyauth is 200 once booted, 500 in the boot-error state, and needs
    // no role, so it works even with AUTH_DEFAULT_ROLES=denied (fact 26).
    const probe = (periodSeconds: number, failureThreshold: number) => ({
      httpGet: {
        path: "/api/v1/verifyauth",
        port: "http",
        httpHeaders: [{ name: "X-Forwarded-Proto", value: "https" }],
      },
      periodSeconds,
      timeoutSeconds: 5,
      failureThreshold,
    });

    this.deployment = new k8s.apps.v1.Deployment(
      `${name}-deployment`,
      {
        metadata: { namespace: args.namespace, name, labels },
        spec: {
          // Fact 28: state lives in memory and socket.io needs stickiness: exactly one pod,
          // and never two at once during a rollout.
          replicas: 1,
          strategy: { type: "Recreate" },
          selector: { matchLabels: labels },
          template: {
            metadata: {
              labels: pulumi
                .output(args.databaseClientLabels)
                .apply((client) => ({ ...labels, ...client })),
            },
            spec: {
              automountServiceAccountToken: false,
              securityContext: restrictedPodSecurity(1000),
              containers: [
                {
                  name: "nightscout",
                  image: args.image,
                  ports: [{ name: "http", containerPort: NIGHTSCOUT_PORT }],
                  env: [
                    fromSecret("API_SECRET"),
                    fromSecret("MONGODB_URI"),
                    // Fact 24: Kubernetes sets HOSTNAME to the pod name, which binds the pod IP only.
                    { name: "HOSTNAME", value: "0.0.0.0" },
                    { name: "PORT", value: String(NIGHTSCOUT_PORT) },
                    // Fact 31: Pushover callbacks and links use the public URL.
                    { name: "BASE_URL", value: this.url },
                    { name: "INSECURE_USE_HTTP", value: "false" },
                    ...Object.entries(args.settings).map(([k, value]) => ({ name: k, value })),
                  ],
                  resources: containerResources(args.resources),
                  // The port opens only after boot, which waits for the database: ten minutes.
                  startupProbe: probe(10, 60),
                  readinessProbe: probe(15, 3),
                  livenessProbe: probe(30, 4),
                  securityContext: restrictedContainerSecurity(true),
                  // Fact 32: nothing must persist; /tmp is the only place it writes.
                  volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
                },
              ],
              volumes: [{ name: "tmp", emptyDir: { sizeLimit: "256Mi" } }],
            },
          },
        },
      },
      { parent: this },
    );

    const service = new k8s.core.v1.Service(
      `${name}-service`,
      {
        metadata: { namespace: args.namespace, name, labels },
        spec: { selector: labels, ports: [{ name: "http", port: 80, targetPort: "http" }] },
      },
      { parent: this },
    );

    const middlewareRef = args.ingress.redirectMiddleware
      ? pulumi.output(args.ingress.redirectMiddleware)
      : this.createRedirectMiddleware(name, args.namespace, labels);

    const tlsSecretName = args.ingress.tlsSecretName ?? `${name}-tls`;
    // Fact 28: socket.io needs WebSockets and uploads need bodies of 50 MB; Traefik passes
    // both by default (no buffering middleware here), so the Ingress needs nothing more.
    this.ingress = new k8s.networking.v1.Ingress(
      `${name}-ingress`,
      {
        metadata: {
          namespace: args.namespace,
          name,
          labels,
          annotations: {
            // Fact 33: plain HTTP is redirected to HTTPS by the Traefik middleware.
            "traefik.ingress.kubernetes.io/router.middlewares": middlewareRef,
            // Fact 34: cert-manager issues the certificate into tls[].secretName.
            ...(args.ingress.clusterIssuer
              ? { "cert-manager.io/cluster-issuer": args.ingress.clusterIssuer }
              : {}),
          },
        },
        spec: {
          ingressClassName: args.ingress.className,
          tls: [{ hosts: [args.hostname], secretName: tlsSecretName }],
          rules: [
            {
              host: args.hostname,
              http: {
                paths: [
                  {
                    path: "/",
                    pathType: "Prefix",
                    backend: { service: { name: service.metadata.name, port: { name: "http" } } },
                  },
                ],
              },
            },
          ],
        },
      },
      { parent: this },
    );

    new k8s.networking.v1.NetworkPolicy(
      `${name}-network`,
      {
        metadata: { namespace: args.namespace, name, labels },
        spec: {
          podSelector: { matchLabels: labels },
          policyTypes: ["Ingress", "Egress"],
          ingress: [
            {
              from: [inNamespace(args.ingress.controllerNamespace)],
              ports: tcpPorts(NIGHTSCOUT_PORT),
            },
          ],
          egress: [
            egressTo(args.database),
            ...(args.allowInternetEgress
              ? [{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: tcpPorts(443) }]
              : []),
          ],
        },
      },
      { parent: this },
    );

    this.serviceName = service.metadata.name;
    this.servicePort = 80;
    this.registerOutputs({ url: this.url, serviceName: this.serviceName });
  }

  private createRedirectMiddleware(
    name: string,
    namespace: pulumi.Input<string>,
    labels: Record<string, string>,
  ): pulumi.Output<string> {
    const middleware = new k8s.apiextensions.CustomResource(
      `${name}-redirect-https`,
      {
        apiVersion: "traefik.io/v1alpha1",
        kind: "Middleware",
        metadata: { namespace, name: `${name}-redirect-https`, labels },
        spec: { redirectScheme: { scheme: "https", permanent: true } },
      },
      { parent: this },
    );
    // Traefik names CRD middlewares <namespace>-<name>@kubernetescrd.
    return pulumi.interpolate`${middleware.metadata.namespace}-${middleware.metadata.name}@kubernetescrd`;
  }
}

function validate(args: NightscoutArgs) {
  const component = "Nightscout";
  const pin = imagePinProblem(args.image);
  if (pin)
    throw invalidArg(component, "image", args.image, `The image ${pin}; pin a tag or digest.`);
  if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/.test(args.hostname)) {
    throw invalidArg(
      component,
      "hostname",
      args.hostname,
      "Use a fully qualified DNS name such as ns.example.org.",
    );
  }
  for (const [key, value] of Object.entries(args.settings)) {
    if (RESERVED_ENV.includes(key)) {
      throw invalidArg(
        component,
        `settings.${key}`,
        value,
        `${key} is set by the component itself; remove it from settings.`,
      );
    }
    if (isSecretLookingEnv(key, value)) {
      throw invalidArg(
        component,
        `settings.${key}`,
        "(hidden)",
        "Secrets must not be literal env values; pass them through a Secret.",
      );
    }
  }
  if (!args.ingress.clusterIssuer && !args.ingress.tlsSecretName) {
    throw invalidArg(
      component,
      "ingress",
      "(no TLS source)",
      "Set ingress.clusterIssuer or ingress.tlsSecretName.",
    );
  }
}

/** Thresholds in the display unit (fact 22). */
export interface NightscoutThresholds {
  low: number;
  targetBottom: number;
  targetTop: number;
  high: number;
}

export interface NightscoutSettingsInput {
  displayUnits: "mmol/L" | "mg/dL";
  thresholds?: NightscoutThresholds;
  alarmTypes: string;
  authDefaultRoles: string[];
  enabledPlugins: string[];
  showPlugins: string[];
  dbSizeMaxMiB: number;
}

/** Plugins that call services on the internet and so need egress beyond the cluster. */
export const INTERNET_PLUGINS = ["bridge", "mmconnect", "pushover", "loop"];

/** The environment Nightscout reads its settings from, rendered the way it parses them. */
export function nightscoutSettings(s: NightscoutSettingsInput): Record<string, string> {
  const env: Record<string, string> = {
    // Fact 21: anything containing "mmol" means mmol/L, anything else mg/dl.
    DISPLAY_UNITS: s.displayUnits === "mmol/L" ? "mmol" : "mg/dl",
    // Fact 22: setting thresholds switches alarms to "simple" silently; say it explicitly.
    ALARM_TYPES: s.alarmTypes,
    // Fact 26: the default would be "readable", which publishes all CGM data.
    AUTH_DEFAULT_ROLES: s.authDefaultRoles.join(" "),
    ENABLE: s.enabledPlugins.join(" "),
    // Fact 30: the "show all enabled" default never fires.
    SHOW_PLUGINS: s.showPlugins.join(" "),
    // Fact 29: the default is the 496 MiB of a free Atlas tier.
    DBSIZE_MAX: String(s.dbSizeMaxMiB),
  };
  if (s.thresholds) {
    // Fact 22: all four, in the display unit; mmol/L values stay below 50 so Nightscout
    // converts the whole set, mg/dL values are whole numbers.
    const fmt = (n: number) => (s.displayUnits === "mmol/L" ? n.toFixed(1) : String(Math.round(n)));
    env.BG_HIGH = fmt(s.thresholds.high);
    env.BG_TARGET_TOP = fmt(s.thresholds.targetTop);
    env.BG_TARGET_BOTTOM = fmt(s.thresholds.targetBottom);
    env.BG_LOW = fmt(s.thresholds.low);
  }
  return env;
}
