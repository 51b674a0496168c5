import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
  NIGHTSCOUT_PORT,
  PUSHOVER_ENV,
  RESERVED_NIGHTSCOUT_ENV,
  mongoUriProblemForNightscout,
  hostnameProblem,
  isSecretLookingEnv,
  tlsSource,
} from "../domain";
import {
  invalidArg,
  requirePinnedImage,
  requireRule,
  requireStaleDataMinutes,
} from "./arg-validation";
import { nightscoutContainer } from "./nightscout-container";
import { nightscoutSettings, type NightscoutSettingsInput } from "./nightscout-settings";
import {
  ANYWHERE,
  HTTPS_PORT,
  allowFrom,
  allowTo,
  egressTo,
  inNamespace,
  NetworkPolicySpec,
  networkPolicy,
} from "./network-policy";
import {
  WorkloadMetadata,
  restrictedPodTemplate,
  workloadMetadata,
  workloadServiceArgs,
} from "./workload";
import { PodEndpoint, ResourceRequests } from "./types";

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

export type { NightscoutSettingsInput } from "./nightscout-settings";

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
  /** What Nightscout shows and alarms on; the component writes the env Nightscout parses. */
  preferences: NightscoutSettingsInput;
  /** Further env for Nightscout (plugin settings and the like): no secrets, no reserved names. */
  settings?: Record<string, string>;
  resources: ResourceRequests;
  ingress: NightscoutIngressArgs;
  /** Whether enabled plugins call out to the internet (Dexcom bridge, Pushover, ...). */
  allowInternetEgress: boolean;
  /** Pushover's credentials (fact 41), secrets: they reach the pod only through the Secret. */
  pushover?: NightscoutPushover;
}

/** Pushover's credentials, one field per env var of PUSHOVER_ENV. */
export interface NightscoutPushover extends Partial<
  Record<keyof typeof PUSHOVER_ENV, pulumi.Input<string>>
> {
  apiToken: pulumi.Input<string>;
  userKey: pulumi.Input<string>;
}

/** What the Nightscout Secret holds, by env var: the API secret, the URI, and Pushover's keys. */
export function nightscoutSecretData(args: NightscoutArgs): Record<string, pulumi.Input<string>> {
  const data: Record<string, pulumi.Input<string>> = {
    API_SECRET: args.apiSecret,
    MONGODB_URI: args.mongoUri,
  };
  for (const [field, name] of Object.entries(PUSHOVER_ENV)) {
    const value = args.pushover?.[field as keyof NightscoutPushover];
    if (value !== undefined) data[name] = value;
  }
  return data;
}

/** Throws, before anything is registered, on args Nightscout would break or be unsafe with. */
export function validateNightscoutArgs(args: NightscoutArgs): void {
  const component = "Nightscout";
  requirePinnedImage(component, "image", args.image);
  const hostname = hostnameProblem(args.hostname);
  if (hostname) {
    throw invalidArg(
      component,
      "hostname",
      args.hostname,
      `It ${hostname}. Use a fully qualified DNS name such as ns.example.org.`,
    );
  }
  if (typeof args.mongoUri === "string") {
    const why = mongoUriProblemForNightscout(args.mongoUri);
    // Never echo the URI: it carries the password.
    if (why) throw invalidArg(component, "mongoUri", "(hidden)", `It ${why}; remove the option.`);
  }
  requireStaleDataMinutes(
    component,
    "preferences.staleDataMinutes",
    args.preferences.staleDataMinutes,
  );
  const written = nightscoutSettings(args.preferences);
  for (const [key, value] of Object.entries(args.settings ?? {})) {
    // Secret-looking values first: the reserved-name message would echo the value.
    if (isSecretLookingEnv(key, value)) {
      throw invalidArg(
        component,
        `settings.${key}`,
        "(hidden)",
        "Secrets must not be literal env values; pass them through a Secret.",
      );
    }
    if (RESERVED_NIGHTSCOUT_ENV.includes(key)) {
      throw invalidArg(
        component,
        `settings.${key}`,
        value,
        `${key} is set by the component itself; remove it from settings.`,
      );
    }
    if (key in written) {
      throw invalidArg(
        component,
        `settings.${key}`,
        value,
        `${key} follows from args.preferences; set it there instead.`,
      );
    }
  }
  if (args.pushover && !args.allowInternetEgress) {
    throw invalidArg(
      component,
      "allowInternetEgress",
      false,
      "Pushover is set, and its pushes go to api.pushover.net over HTTPS; set allowInternetEgress to true.",
    );
  }
  requireRule(
    component,
    tlsSource,
    { clusterIssuer: "ingress.clusterIssuer", secretName: "ingress.tlsSecretName" },
    { clusterIssuer: args.ingress.clusterIssuer, secretName: args.ingress.tlsSecretName },
  );
}

/** Fact 18: node:22-alpine's `node` user. */
const NIGHTSCOUT_IMAGE_UID = 1000;
/** The Service speaks plain HTTP on its conventional port; TLS ends at the Ingress. */
export const NIGHTSCOUT_SERVICE_PORT = 80;

/** The Ingress annotations: the HTTPS redirect (fact 33) and, if any, the issuer (fact 34). */
export function ingressAnnotations(
  redirectMiddleware: pulumi.Input<string>,
  clusterIssuer: string | undefined,
): Record<string, pulumi.Input<string>> {
  return {
    "traefik.ingress.kubernetes.io/router.middlewares": redirectMiddleware,
    ...(clusterIssuer ? { "cert-manager.io/cluster-issuer": clusterIssuer } : {}),
  };
}

/**
 * Where the pod template records which version of its Secret it started with: Nightscout reads
 * API_SECRET and MONGODB_URI once, at boot, and a Secret updated in place restarts nothing. The
 * version is the Secret's resourceVersion, which says nothing about its contents.
 */
export const SECRET_VERSION_ANNOTATION = "nightscout-stack/secret-version";

/**
 * The Deployment: Nightscout's pod, serving `url`, its secrets from `secretName`, rolled when
 * `secretVersion` (the Secret's resourceVersion) changes, so a rotated API secret takes effect.
 */
export function nightscoutDeploymentArgs(
  metadata: WorkloadMetadata,
  args: NightscoutArgs,
  url: string,
  secretName: pulumi.Input<string>,
  secretVersion?: pulumi.Input<string | undefined>,
): k8s.apps.v1.DeploymentArgs {
  const { labels } = metadata;
  return {
    metadata,
    spec: {
      // Fact 28: state lives in memory and socket.io needs stickiness: exactly one pod,
      // and never two at once during a rollout.
      replicas: 1,
      strategy: { type: "Recreate" },
      selector: { matchLabels: labels },
      template: restrictedPodTemplate({
        labels,
        clientLabels: args.databaseClientLabels,
        uid: NIGHTSCOUT_IMAGE_UID,
        container: nightscoutContainer(
          args.image,
          url,
          { ...nightscoutSettings(args.preferences), ...args.settings },
          secretName,
          Object.keys(nightscoutSecretData(args)),
        ),
        resources: args.resources,
        // Fact 32: nothing must persist; /tmp is the only place it writes. The cap is
        // generous for that and stops a runaway writer from filling the node's disk.
        scratch: { name: "tmp", mountPath: "/tmp", sizeLimit: "256Mi" },
        // Unknown until the Secret exists, and none when only rendering: no annotation then.
        annotations: pulumi
          .output(secretVersion)
          .apply((v): Record<string, string> => (v ? { [SECRET_VERSION_ANNOTATION]: v } : {})),
      }),
    },
  };
}

/** Fact 33: a Traefik middleware that redirects plain HTTP to HTTPS, permanently. */
export function redirectMiddlewareArgs(
  metadata: WorkloadMetadata,
  name: string,
): k8s.apiextensions.CustomResourceArgs {
  return {
    apiVersion: "traefik.io/v1alpha1",
    kind: "Middleware",
    metadata: { ...metadata, name },
    spec: { redirectScheme: { scheme: "https", permanent: true } },
  };
}

/** The TLS Ingress in front of `serviceName`, with the redirect and, if any, the issuer. */
export function nightscoutIngressArgs(
  metadata: WorkloadMetadata,
  args: NightscoutArgs,
  redirectMiddleware: pulumi.Input<string>,
  serviceName: pulumi.Input<string>,
): k8s.networking.v1.IngressArgs {
  const { hostname } = args;
  const backend = { service: { name: serviceName, port: { name: "http" } } };
  return {
    metadata: {
      ...metadata,
      annotations: ingressAnnotations(redirectMiddleware, args.ingress.clusterIssuer),
    },
    spec: {
      ingressClassName: args.ingress.className,
      // Fact 34: cert-manager issues the certificate into tls[].secretName.
      tls: [
        { hosts: [hostname], secretName: args.ingress.tlsSecretName ?? `${metadata.name}-tls` },
      ],
      rules: [{ host: hostname, http: { paths: [{ path: "/", pathType: "Prefix", backend }] } }],
    },
  };
}

/**
 * Only the ingress controller reaches Nightscout; it reaches FerretDB and, for plugins such
 * as the Dexcom bridge and Pushover, services on the internet.
 */
export function nightscoutNetworkPolicy(
  metadata: WorkloadMetadata,
  args: NightscoutArgs,
): NetworkPolicySpec {
  const egress = [egressTo(args.database)];
  if (args.allowInternetEgress) egress.push(allowTo([ANYWHERE], HTTPS_PORT));
  return {
    metadata,
    podLabels: metadata.labels,
    ingress: [allowFrom([inNamespace(args.ingress.controllerNamespace)], NIGHTSCOUT_PORT)],
    egress,
  };
}

/**
 * Nightscout (cgm-remote-monitor 15.0.7): one replica with the Recreate strategy, secrets
 * from a Secret, probes that work with any default roles, behind a TLS Ingress with an
 * HTTPS redirect.
 */
export class Nightscout extends pulumi.ComponentResource {
  public readonly url: string;
  public readonly serviceName: pulumi.Output<string>;
  public readonly deployment: k8s.apps.v1.Deployment;
  public readonly ingress: k8s.networking.v1.Ingress;
  public readonly servicePort: number = NIGHTSCOUT_SERVICE_PORT;
  /** API_SECRET, for clients that authenticate as uploaders do (the glucose exporter); secret. */
  public readonly apiSecret: pulumi.Output<string>;

  constructor(name: string, args: NightscoutArgs, opts?: pulumi.ComponentResourceOptions) {
    // Before super(): bad args throw with nothing registered, so they leave no trace in the state.
    validateNightscoutArgs(args);
    super("nightscout:app:Nightscout", name, {}, opts);

    this.url = `https://${args.hostname}`;
    const metadata = workloadMetadata("nightscout", name, args.namespace);
    const secret = new k8s.core.v1.Secret(
      `${name}-secrets`,
      {
        metadata: { ...metadata, name: `${name}-secrets` },
        stringData: nightscoutSecretData(args),
      },
      { parent: this },
    );
    this.deployment = new k8s.apps.v1.Deployment(
      `${name}-deployment`,
      nightscoutDeploymentArgs(
        metadata,
        args,
        this.url,
        secret.metadata.name,
        secret.metadata.resourceVersion,
      ),
      { parent: this },
    );
    const httpPort = { name: "http", port: NIGHTSCOUT_SERVICE_PORT };
    const service = new k8s.core.v1.Service(
      `${name}-service`,
      workloadServiceArgs(metadata, httpPort),
      { parent: this },
    );

    // Fact 33: an existing Traefik middleware, or one created here. Traefik names CRD
    // middlewares <namespace>-<name>@kubernetescrd.
    let redirectMiddleware: pulumi.Input<string> | undefined = args.ingress.redirectMiddleware;
    if (!redirectMiddleware) {
      const middleware = new k8s.apiextensions.CustomResource(
        `${name}-redirect-https`,
        redirectMiddlewareArgs(metadata, `${name}-redirect-https`),
        { parent: this },
      );
      redirectMiddleware = pulumi.interpolate`${middleware.metadata.namespace}-${middleware.metadata.name}@kubernetescrd`;
    }
    // Fact 28: socket.io needs WebSockets and uploads need bodies of 50 MB; Traefik passes
    // both by default (no buffering middleware here), so the Ingress needs nothing more.
    this.ingress = new k8s.networking.v1.Ingress(
      `${name}-ingress`,
      nightscoutIngressArgs(metadata, args, redirectMiddleware, service.metadata.name),
      { parent: this },
    );
    networkPolicy(`${name}-network`, nightscoutNetworkPolicy(metadata, args), { parent: this });

    this.serviceName = service.metadata.name;
    this.apiSecret = pulumi.secret(args.apiSecret);
    this.registerOutputs({ url: this.url, serviceName: this.serviceName });
  }
}
