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
import { DNS_LABEL, NIGHTSCOUT_PORT } from "../domain";
import {
  CNPG_METRICS_PORT,
  CNPG_METRICS_PORT_NAME,
  GLUCOSE_EXPORTER_PORT,
  GLUCOSE_EXPORTER_PORT_NAME,
  NEWEST_ENTRY_METRIC,
  STALE_DATA_MINUTES_RANGE,
  alertGroups,
} from "../domain/alerts";
import { invalidArg, requirePinnedImage, requireWholeNumber } from "./argValidation";
import {
  allowFrom,
  allowTo,
  inNamespace,
  podsLabelled,
  workloadNetworkPolicy,
} from "./networkPolicy";
import { restrictedPodTemplate, workloadMetadata } from "./workload";
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
  database: {
    clusterName: string;
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
  if (!DNS_LABEL.test(args.monitoringNamespace)) {
    throw invalidArg(
      component,
      "monitoringNamespace",
      args.monitoringNamespace,
      "Use the namespace Prometheus runs in, a DNS label such as monitoring.",
    );
  }
  const [min, max] = STALE_DATA_MINUTES_RANGE;
  if (
    !Number.isInteger(args.staleDataMinutes) ||
    args.staleDataMinutes < min ||
    args.staleDataMinutes > max
  ) {
    throw invalidArg(
      component,
      "staleDataMinutes",
      args.staleDataMinutes,
      `Use whole minutes from ${min} (a CGM sends every 5) to ${max}.`,
    );
  }
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

export class Monitoring extends pulumi.ComponentResource {
  public readonly prometheusRule: k8s.apiextensions.CustomResource;
  public readonly exporterDeployment: k8s.apps.v1.Deployment;

  constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    validateMonitoringArgs(args);
    super("nightscout:monitoring:Monitoring", name, {}, opts);
    const { namespace } = args;
    const scrapers = inNamespace(args.monitoringNamespace);
    const instanceLabels = { "cnpg.io/cluster": args.database.clusterName };

    // The database: CNPG's exporter on every instance, scraped from the monitoring namespace.
    new k8s.apiextensions.CustomResource(
      `${name}-database`,
      {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "PodMonitor",
        metadata: { namespace, name: `${args.database.clusterName}-metrics` },
        spec: {
          selector: { matchLabels: { ...instanceLabels, "cnpg.io/podRole": "instance" } },
          podMetricsEndpoints: [{ port: CNPG_METRICS_PORT_NAME }],
        },
      },
      { parent: this },
    );
    new k8s.networking.v1.NetworkPolicy(
      `${name}-scrape-database`,
      {
        metadata: { namespace, name: `${args.database.clusterName}-scrape` },
        spec: {
          podSelector: { matchLabels: instanceLabels },
          policyTypes: ["Ingress"],
          ingress: [allowFrom([scrapers], CNPG_METRICS_PORT)],
        },
      },
      { parent: this },
    );

    // Nightscout's newest entry, read through its API by a json_exporter that Prometheus probes.
    const metadata = workloadMetadata(GLUCOSE_EXPORTER_APP, `${name}-glucose-exporter`, namespace);
    const { labels } = metadata;
    const config = new k8s.core.v1.Secret(
      `${name}-glucose-exporter-config`,
      {
        metadata: { ...metadata, name: `${name}-glucose-exporter-config` },
        stringData: {
          "config.yml": pulumi
            .secret(
              args.exporter.readToken ??
                pulumi
                  .output(args.nightscout.apiSecret)
                  .apply((secret) => crypto.createHash("sha1").update(secret).digest("hex")),
            )
            .apply(exporterConfig),
        },
      },
      { parent: this },
    );
    const template = restrictedPodTemplate({
      labels,
      clientLabels: {},
      uid: EXPORTER_UID,
      container: {
        name: "json-exporter",
        image: args.exporter.image,
        args: [`--config.file=${EXPORTER_CONFIG_DIR}/config.yml`],
        ports: [{ name: GLUCOSE_EXPORTER_PORT_NAME, containerPort: GLUCOSE_EXPORTER_PORT }],
        readinessProbe: {
          httpGet: { path: "/metrics", port: GLUCOSE_EXPORTER_PORT_NAME },
          periodSeconds: 30,
        },
        livenessProbe: {
          httpGet: { path: "/metrics", port: GLUCOSE_EXPORTER_PORT_NAME },
          periodSeconds: 60,
        },
      },
      resources: args.exporter.resources,
      scratch: { name: "tmp", mountPath: "/tmp", sizeLimit: "16Mi" },
    });
    this.exporterDeployment = new k8s.apps.v1.Deployment(
      `${name}-glucose-exporter`,
      {
        metadata,
        spec: {
          replicas: 1,
          selector: { matchLabels: labels },
          template: withConfigVolume(template, config.metadata.name),
        },
      },
      { parent: this },
    );
    const serviceHost = pulumi.interpolate`${args.nightscout.serviceName}.${namespace}.svc.cluster.local`;
    new k8s.apiextensions.CustomResource(
      `${name}-glucose`,
      {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "PodMonitor",
        metadata: { ...metadata, name: `${name}-glucose` },
        spec: {
          // Makes the scrape's `job` label "nightscout-glucose-exporter", which the alerts select.
          jobLabel: "app.kubernetes.io/name",
          selector: { matchLabels: labels },
          podMetricsEndpoints: [
            {
              port: GLUCOSE_EXPORTER_PORT_NAME,
              path: "/probe",
              interval: "60s",
              scrapeTimeout: "30s",
              params: {
                module: [EXPORTER_MODULE],
                target: [
                  serviceHost.apply((host) => newestEntryUrl(host, args.nightscout.servicePort)),
                ],
              },
            },
          ],
        },
      },
      { parent: this },
    );
    workloadNetworkPolicy(
      `${name}-glucose-exporter`,
      {
        metadata,
        podLabels: labels,
        ingress: [allowFrom([scrapers], GLUCOSE_EXPORTER_PORT)],
        egress: [allowTo([podsLabelled(args.nightscout.podLabels)], NIGHTSCOUT_PORT)],
      },
      this,
    );
    // NetworkPolicies add up: this one opens Nightscout's port to the exporter only.
    new k8s.networking.v1.NetworkPolicy(
      `${name}-nightscout-from-exporter`,
      {
        metadata: { namespace, name: `${name}-nightscout-from-exporter` },
        spec: {
          podSelector: { matchLabels: args.nightscout.podLabels },
          policyTypes: ["Ingress"],
          ingress: [allowFrom([podsLabelled(labels)], NIGHTSCOUT_PORT)],
        },
      },
      { parent: this },
    );

    const groups = pulumi
      .all([args.nightscout.deploymentName, args.ferretdbDeploymentName, namespace])
      .apply(([nightscoutDeployment, ferretdbDeployment, ns]) =>
        alertGroups({
          namespace: ns,
          clusterName: args.database.clusterName,
          instances: args.database.instances,
          backupSchedule: args.database.backupSchedule,
          staleDataMinutes: args.staleDataMinutes,
          nightscoutDeployment,
          ferretdbDeployment,
          exporterJob: GLUCOSE_EXPORTER_APP,
        }),
      );
    this.prometheusRule = new k8s.apiextensions.CustomResource(
      `${name}-alerts`,
      {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "PrometheusRule",
        metadata: { namespace, name: `${name}-alerts` },
        spec: { groups },
      },
      { parent: this },
    );

    this.registerOutputs({ prometheusRule: this.prometheusRule.metadata.name });
  }
}

/** Mounts the exporter's configuration Secret, read-only, beside the template's scratch volume. */
function withConfigVolume(
  template: k8s.types.input.core.v1.PodTemplateSpec,
  secretName: pulumi.Input<string>,
): k8s.types.input.core.v1.PodTemplateSpec {
  // restrictedPodTemplate returns plain objects; only its values may be Outputs.
  const spec = template.spec as k8s.types.input.core.v1.PodSpec;
  const [container] = spec.containers as k8s.types.input.core.v1.Container[];
  const mounts = container.volumeMounts as k8s.types.input.core.v1.VolumeMount[];
  const volumes = spec.volumes as k8s.types.input.core.v1.Volume[];
  return {
    ...template,
    spec: {
      ...spec,
      containers: [
        {
          ...container,
          volumeMounts: [
            ...mounts,
            { name: "config", mountPath: EXPORTER_CONFIG_DIR, readOnly: true },
          ],
        },
      ],
      volumes: [...volumes, { name: "config", secret: { secretName } }],
    },
  };
}
