/**
 * Monitoring of the stack for a prometheus-operator in `monitoringNamespace`: the database's
 * metrics through a PodMonitor, Nightscout's newest CGM entry through a json_exporter the
 * same Prometheus probes, the NetworkPolicies that let only that namespace scrape, and one
 * PrometheusRule with the alerts of domain/alerts.ts.
 */
import * as crypto from "crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as yaml from "js-yaml";
import { NIGHTSCOUT_PORT } from "../domain";
import {
  CNPG_METRICS_PORT,
  CNPG_METRICS_PORT_NAME,
  GLUCOSE_EXPORTER_PORT,
  GLUCOSE_EXPORTER_PORT_NAME,
  NEWEST_ENTRY_METRIC,
  alertGroups,
} from "../domain/alerts";
import {
  requireDnsLabel,
  requirePinnedImage,
  requireStaleDataMinutes,
  requireWholeNumber,
} from "./arg-validation";
import {
  NetworkPolicySpec,
  allowFrom,
  allowTo,
  inNamespace,
  networkPolicy,
  podsLabelled,
} from "./network-policy";
import {
  WorkloadMetadata,
  restrictedPodTemplate,
  withSecretVolume,
  workloadMetadata,
} from "./workload";
import { ResourceRequests } from "./types";

/** The json_exporter module that reads Nightscout's newest entry. */
const EXPORTER_MODULE = "nightscout";
/** The app label of the exporter's pods; the glucose PodMonitor makes it the `job` label. */
export const GLUCOSE_EXPORTER_APP = "nightscout-glucose-exporter";
/** The json_exporter image runs as `nobody`. */
const EXPORTER_UID = 65534;
const EXPORTER_CONFIG_DIR = "/config";

export interface MonitoringArgs {
  /** The app namespace: the exporter runs there, and every scraped pod. */
  namespace: pulumi.Input<string>;
  /** Where Prometheus runs: the only namespace allowed to scrape (fact 35). */
  monitoringNamespace: string;
  /** The PostgresCluster's outputs: whose instances are scraped, and what the alerts expect. */
  database: {
    clusterName: pulumi.Input<string>;
    instances: number;
    /** The ScheduledBackup's schedule; undefined without backups (no backup alerts). */
    backupSchedule?: string;
  };
  nightscout: {
    serviceName: pulumi.Input<string>;
    servicePort: number;
    /** Labels of Nightscout's pods, to let the exporter in. */
    podLabels: pulumi.Input<Record<string, pulumi.Input<string>>>;
    deploymentName: pulumi.Input<string>;
    /** Nightscout's API_SECRET: the exporter sends its SHA-1, as uploaders do. */
    apiSecret: pulumi.Input<string>;
  };
  ferretdbDeploymentName: pulumi.Input<string>;
  staleDataMinutes: number;
  exporter: {
    image: string;
    resources: ResourceRequests;
    /**
     * A Nightscout access token with the readable role, sent instead of API_SECRET's hash
     * (Nightscout accepts either in the api-secret header; the token grants reading only).
     */
    readToken?: pulumi.Input<string>;
  };
}

/** Throws, before anything is registered, on args that cannot make working alerts. */
export function validateMonitoringArgs(args: MonitoringArgs): void {
  const component = "Monitoring";
  requireDnsLabel(
    component,
    "monitoringNamespace",
    args.monitoringNamespace,
    "Use the namespace Prometheus runs in, a DNS label such as monitoring.",
  );
  requireStaleDataMinutes(component, "staleDataMinutes", args.staleDataMinutes);
  requireWholeNumber(
    component,
    "database.instances",
    args.database.instances,
    1,
    "Use the Cluster's instances.",
  );
  requirePinnedImage(component, "exporter.image", args.exporter.image);
}

/**
 * json_exporter's configuration: one module reading the `date` of Nightscout's newest entry,
 * authenticated by `credential` (a readable access token, or API_SECRET's SHA-1).
 */
export function exporterConfig(credential: string): string {
  return yaml.dump(
    {
      modules: {
        [EXPORTER_MODULE]: {
          headers: {
            // Nightscout accepts API_SECRET's SHA-1 or an access token here (lib/authorization).
            "api-secret": credential,
            // Without it, Nightscout (INSECURE_USE_HTTP=false) redirects to https (fact 33).
            "X-Forwarded-Proto": "https",
          },
          metrics: [
            {
              name: NEWEST_ENTRY_METRIC,
              help: "The date of Nightscout's newest CGM entry, in milliseconds since the epoch.",
              type: "value",
              valuetype: "gauge",
              path: "{[0].date}",
            },
          ],
        },
      },
    },
    { lineWidth: -1 },
  );
}

/** The URL the exporter probes: Nightscout's newest SGV entry, inside the cluster. */
export function newestEntryUrl(serviceHost: string, port: number): string {
  return `http://${serviceHost}:${port}/api/v1/entries/current.json`;
}

type CustomResourceArgs = k8s.apiextensions.CustomResourceArgs;

/** A prometheus-operator object: what the operator reads, in the app namespace. */
function monitoringObject(
  kind: "PodMonitor" | "PrometheusRule",
  metadata: CustomResourceArgs["metadata"],
  spec: Record<string, unknown>,
): CustomResourceArgs {
  return { apiVersion: "monitoring.coreos.com/v1", kind, metadata, spec };
}

/** CNPG labels every pod of a Cluster with the Cluster's name. */
function clusterPodLabels(clusterName: pulumi.Input<string>) {
  return { "cnpg.io/cluster": clusterName };
}

/** The database's PodMonitor: CNPG's exporter on every instance. */
export function databasePodMonitorArgs(
  namespace: pulumi.Input<string>,
  clusterName: pulumi.Input<string>,
): CustomResourceArgs {
  return monitoringObject(
    "PodMonitor",
    { namespace, name: pulumi.interpolate`${clusterName}-metrics` },
    {
      selector: {
        matchLabels: { ...clusterPodLabels(clusterName), "cnpg.io/podRole": "instance" },
      },
      podMetricsEndpoints: [{ port: CNPG_METRICS_PORT_NAME }],
    },
  );
}

/** Lets the monitoring namespace, and nothing else, reach the instances' metrics port. */
export function databaseScrapePolicy(
  namespace: pulumi.Input<string>,
  clusterName: pulumi.Input<string>,
  monitoringNamespace: string,
): NetworkPolicySpec {
  return {
    metadata: { namespace, name: pulumi.interpolate`${clusterName}-scrape` },
    podLabels: clusterPodLabels(clusterName),
    ingress: [allowFrom([inNamespace(monitoringNamespace)], CNPG_METRICS_PORT)],
  };
}

/** What the exporter sends as api-secret: the readable token if set, else API_SECRET's SHA-1. */
export function exporterCredential(args: MonitoringArgs): pulumi.Output<string> {
  return pulumi.secret(
    args.exporter.readToken ??
      pulumi
        .output(args.nightscout.apiSecret)
        .apply((secret) => crypto.createHash("sha1").update(secret).digest("hex")),
  );
}

/** The exporter's configuration, in a Secret because it holds the credential. */
export function exporterSecretArgs(
  metadata: WorkloadMetadata,
  credential: pulumi.Output<string>,
): k8s.core.v1.SecretArgs {
  const name = `${metadata.name}-config`;
  return {
    metadata: { ...metadata, name },
    stringData: { "config.yml": credential.apply(exporterConfig) },
  };
}

/** One json_exporter pod, restricted like the workloads, reading its configuration Secret. */
export function exporterDeploymentArgs(
  metadata: WorkloadMetadata,
  exporter: MonitoringArgs["exporter"],
  configSecretName: pulumi.Input<string>,
): k8s.apps.v1.DeploymentArgs {
  const { labels } = metadata;
  const metrics = (periodSeconds: number) => ({
    httpGet: { path: "/metrics", port: GLUCOSE_EXPORTER_PORT_NAME },
    periodSeconds,
  });
  const template = restrictedPodTemplate({
    labels,
    clientLabels: {},
    uid: EXPORTER_UID,
    container: {
      name: "json-exporter",
      image: exporter.image,
      args: [`--config.file=${EXPORTER_CONFIG_DIR}/config.yml`],
      ports: [{ name: GLUCOSE_EXPORTER_PORT_NAME, containerPort: GLUCOSE_EXPORTER_PORT }],
      readinessProbe: metrics(30),
      livenessProbe: metrics(60),
    },
    resources: exporter.resources,
    scratch: { name: "tmp", mountPath: "/tmp", sizeLimit: "16Mi" },
  });
  return {
    metadata,
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: withSecretVolume(
        template,
        { name: "config", mountPath: EXPORTER_CONFIG_DIR },
        configSecretName,
      ),
    },
  };
}

/** Prometheus probes the exporter once a minute, which then reads Nightscout's newest entry. */
export function glucosePodMonitorArgs(
  metadata: WorkloadMetadata,
  name: string,
  nightscout: MonitoringArgs["nightscout"],
): CustomResourceArgs {
  const target =
    pulumi.interpolate`${nightscout.serviceName}.${metadata.namespace}.svc.cluster.local`.apply(
      (host) => newestEntryUrl(host, nightscout.servicePort),
    );
  return monitoringObject(
    "PodMonitor",
    { ...metadata, name },
    {
      // Makes the scrape's `job` label "nightscout-glucose-exporter", which the alerts select.
      jobLabel: "app.kubernetes.io/name",
      selector: { matchLabels: metadata.labels },
      podMetricsEndpoints: [
        {
          port: GLUCOSE_EXPORTER_PORT_NAME,
          path: "/probe",
          interval: "60s",
          scrapeTimeout: "30s",
          params: { module: [EXPORTER_MODULE], target: [target] },
        },
      ],
    },
  );
}

/**
 * The exporter's own policy (scraped from the monitoring namespace, reaching Nightscout only)
 * and, since NetworkPolicies add up, one that opens Nightscout's port to the exporter's pods.
 */
export function exporterNetworkPolicies(
  metadata: WorkloadMetadata,
  monitoringNamespace: string,
  nightscout: { podLabels: MonitoringArgs["nightscout"]["podLabels"]; policyName: string },
): { exporter: NetworkPolicySpec; intoNightscout: NetworkPolicySpec } {
  const { namespace, labels } = metadata;
  return {
    exporter: {
      metadata,
      podLabels: labels,
      ingress: [allowFrom([inNamespace(monitoringNamespace)], GLUCOSE_EXPORTER_PORT)],
      egress: [allowTo([podsLabelled(nightscout.podLabels)], NIGHTSCOUT_PORT)],
    },
    intoNightscout: {
      metadata: { namespace, name: nightscout.policyName },
      podLabels: nightscout.podLabels,
      ingress: [allowFrom([podsLabelled(labels)], NIGHTSCOUT_PORT)],
    },
  };
}

/** The PrometheusRule with every alert of domain/alerts.ts, for this stack's objects. */
export function alertRuleArgs(name: string, args: MonitoringArgs): CustomResourceArgs {
  const { database } = args;
  const groups = pulumi
    .all([
      args.nightscout.deploymentName,
      args.ferretdbDeploymentName,
      args.namespace,
      database.clusterName,
    ])
    .apply(([nightscoutDeployment, ferretdbDeployment, namespace, clusterName]) =>
      alertGroups({
        namespace,
        clusterName,
        instances: database.instances,
        backupSchedule: database.backupSchedule,
        staleDataMinutes: args.staleDataMinutes,
        nightscoutDeployment,
        ferretdbDeployment,
        exporterJob: GLUCOSE_EXPORTER_APP,
      }),
    );
  return monitoringObject(
    "PrometheusRule",
    { namespace: args.namespace, name: `${name}-alerts` },
    { groups },
  );
}

export class Monitoring extends pulumi.ComponentResource {
  public readonly prometheusRule: k8s.apiextensions.CustomResource;
  public readonly exporterDeployment: k8s.apps.v1.Deployment;

  constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    // Before super(): bad args throw with nothing registered, so they leave no trace in the state.
    validateMonitoringArgs(args);
    super("nightscout:monitoring:Monitoring", name, {}, opts);
    const { namespace, monitoringNamespace } = args;
    const { clusterName } = args.database;

    // The database: CNPG's exporter on every instance, scraped from the monitoring namespace.
    new k8s.apiextensions.CustomResource(
      `${name}-database`,
      databasePodMonitorArgs(namespace, clusterName),
      { parent: this },
    );
    networkPolicy(
      `${name}-scrape-database`,
      databaseScrapePolicy(namespace, clusterName, monitoringNamespace),
      { parent: this },
    );

    // Nightscout's newest entry, read through its API by a json_exporter that Prometheus probes.
    const metadata = workloadMetadata(GLUCOSE_EXPORTER_APP, `${name}-glucose-exporter`, namespace);
    const config = new k8s.core.v1.Secret(
      `${name}-glucose-exporter-config`,
      exporterSecretArgs(metadata, exporterCredential(args)),
      { parent: this },
    );
    this.exporterDeployment = new k8s.apps.v1.Deployment(
      `${name}-glucose-exporter`,
      exporterDeploymentArgs(metadata, args.exporter, config.metadata.name),
      { parent: this },
    );
    new k8s.apiextensions.CustomResource(
      `${name}-glucose`,
      glucosePodMonitorArgs(metadata, `${name}-glucose`, args.nightscout),
      { parent: this },
    );
    const policies = exporterNetworkPolicies(metadata, monitoringNamespace, {
      podLabels: args.nightscout.podLabels,
      policyName: `${name}-nightscout-from-exporter`,
    });
    networkPolicy(`${name}-glucose-exporter-network`, policies.exporter, { parent: this });
    networkPolicy(`${name}-nightscout-from-exporter`, policies.intoNightscout, { parent: this });

    this.prometheusRule = new k8s.apiextensions.CustomResource(
      `${name}-alerts`,
      alertRuleArgs(name, args),
      { parent: this },
    );
    this.registerOutputs({ prometheusRule: this.prometheusRule.metadata.name });
  }
}
