/** The Monitoring component's own argument checks, and the settings that feed it. */
import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { capture, outputValue, secretInput } from "../../tools/lib/capture";
import {
  Monitoring,
  MonitoringArgs,
  exporterConfig,
  validateMonitoringArgs,
} from "../../components/monitoring";
import { PostgresCluster } from "../../components/postgres-cluster";
import { GLUCOSE_EXPORTER_RESOURCES } from "../../domain/platform";
import { parse, problems } from "../config/helpers";
import { backup, postgresArgs } from "../helpers/component-args";

const valid = (): MonitoringArgs => ({
  namespace: "nightscout",
  monitoringNamespace: "monitoring",
  database: { clusterName: "nightscout-db", instances: 1 },
  nightscout: {
    serviceName: "nightscout",
    servicePort: 80,
    podLabels: { app: "nightscout" },
    deploymentName: "nightscout",
    apiSecret: "a-long-enough-secret",
  },
  ferretdbDeploymentName: "ferretdb",
  staleDataMinutes: 20,
  exporter: {
    image: "quay.io/prometheuscommunity/json-exporter:v0.7.0",
    resources: GLUCOSE_EXPORTER_RESOURCES,
  },
});

describe("validateMonitoringArgs", () => {
  test("accepts the defaults", () => {
    expect(() => validateMonitoringArgs(valid())).not.toThrow();
  });
  test("monitoringNamespace must be a namespace name", () => {
    expect(() => validateMonitoringArgs({ ...valid(), monitoringNamespace: "Monitoring" })).toThrow(
      'Monitoring: args.monitoringNamespace = "Monitoring" is invalid. Use the namespace Prometheus runs in, a DNS label such as monitoring.',
    );
  });
  test.each([9, 1441, 20.5])("staleDataMinutes %p is refused", (minutes) => {
    expect(() => validateMonitoringArgs({ ...valid(), staleDataMinutes: minutes })).toThrow(
      `Monitoring: args.staleDataMinutes = ${minutes} is invalid. Use whole minutes from 10 (a CGM sends every 5) to 1440.`,
    );
  });
  test("the exporter image must be pinned", () => {
    const args = valid();
    args.exporter = { ...args.exporter, image: "quay.io/prometheuscommunity/json-exporter:latest" };
    expect(() => validateMonitoringArgs(args)).toThrow("Monitoring: args.exporter.image");
  });
  test("the cluster has at least one instance", () => {
    const args = valid();
    args.database = { ...args.database, instances: 0 };
    expect(() => validateMonitoringArgs(args)).toThrow("Monitoring: args.database.instances = 0");
  });
});

test("the exporter's configuration sends the hash and the forwarded scheme, and reads the newest date", () => {
  expect(exporterConfig("abc123")).toBe(
    [
      "modules:",
      "  nightscout:",
      "    headers:",
      "      api-secret: abc123",
      "      X-Forwarded-Proto: https",
      "    metrics:",
      "      - name: nightscout_newest_entry_timestamp_milliseconds",
      "        help: The date of Nightscout's newest CGM entry, in milliseconds since the epoch.",
      "        type: value",
      "        valuetype: gauge",
      "        path: '{[0].date}'",
      "",
    ].join("\n"),
  );
});

describe("settings", () => {
  test("monitoring is off by default", () => {
    expect(parse().monitoring).toBeUndefined();
    expect(parse().platformStack).toBeUndefined();
  });
  test("monitoring on hands the component its namespace, threshold and exporter", () => {
    expect(parse({ monitoring: "true", staleDataMinutes: "30" }).monitoring).toEqual({
      monitoringNamespace: "monitoring",
      staleDataMinutes: 30,
      exporter: {
        image: "quay.io/prometheuscommunity/json-exporter:v0.7.0",
        resources: { cpuRequest: "10m", memoryRequest: "24Mi", memoryLimit: "64Mi" },
      },
    });
  });
  test("a stale-data threshold below two CGM intervals is refused", () => {
    expect(problems({ monitoring: "true", staleDataMinutes: "5" })).toEqual([
      expect.stringContaining(
        'nightscout:staleDataMinutes = "5": must be a whole number from 10 to 1440',
      ),
    ]);
  });
  test("an unpinned exporter image is refused", () => {
    expect(problems({ glucoseExporterImage: "quay.io/prometheuscommunity/json-exporter" })).toEqual(
      [
        expect.stringContaining(
          'nightscout:glucoseExporterImage = "quay.io/prometheuscommunity/json-exporter"',
        ),
      ],
    );
  });
});

describe("the exporter's credential", () => {
  async function exporterConfigFile(readToken?: string) {
    const result = await capture({
      loadProgram: () => {
        const args = valid();
        if (readToken) args.exporter = { ...args.exporter, readToken: pulumi.secret(readToken) };
        new Monitoring("monitoring", args);
        return {};
      },
    });
    const registration = result.registrations.find(
      (r) => r.name === "monitoring-glucose-exporter-config",
    )!;
    // The SDK's Secret makes the whole of stringData secret on the wire.
    const { secret, value } = secretInput(registration.inputs.stringData);
    return { secret, value: (value as Record<string, string>)["config.yml"] };
  }

  test("is API_SECRET's SHA-1 by default, sent as a secret", async () => {
    const { secret, value } = await exporterConfigFile();
    expect(secret).toBe(true);
    const sha1 = crypto.createHash("sha1").update("a-long-enough-secret").digest("hex");
    expect(value).toContain(`api-secret: ${sha1}`);
  });

  test("is the readable token when one is set, and never the API secret", async () => {
    const { secret, value } = await exporterConfigFile("exporter-0123456789abcdef");
    expect(secret).toBe(true);
    expect(value).toContain("api-secret: exporter-0123456789abcdef");
    expect(String(value)).not.toContain(
      crypto.createHash("sha1").update("a-long-enough-secret").digest("hex"),
    );
  });

  test("the setting reaches the component as a secret", async () => {
    const token = parse({ monitoring: "true", glucoseExporterToken: "exporter-0123456789abcdef" })
      .monitoring!.exporter.readToken!;
    expect(await outputValue(pulumi.output(token))).toEqual({
      value: "exporter-0123456789abcdef",
      secret: true,
    });
  });
});

describe("the database it watches comes from PostgresCluster's outputs", () => {
  async function watching(withBackup: boolean) {
    let database: PostgresCluster | undefined;
    const result = await capture({
      loadProgram: () => {
        database = new PostgresCluster(
          "postgres",
          postgresArgs({
            clusterName: "watched-db",
            instances: 3,
            ...(withBackup ? { backup } : {}),
          }),
        );
        new Monitoring("monitoring", {
          ...valid(),
          database: {
            clusterName: database.clusterName,
            instances: database.instances,
            backupSchedule: database.backupSchedule,
          },
        });
        return {};
      },
    });
    const props = (name: string) =>
      result.resources.find((r) => r.name === name)!.props as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    return { database: database!, props };
  }

  test("the cluster's name selects and names the scraped instances", async () => {
    const { props } = await watching(false);
    expect(props("monitoring-database").metadata.name).toBe("watched-db-metrics");
    expect(props("monitoring-database").spec.selector.matchLabels).toEqual({
      "cnpg.io/cluster": "watched-db",
      "cnpg.io/podRole": "instance",
    });
    expect(props("monitoring-scrape-database").metadata.name).toBe("watched-db-scrape");
    expect(props("monitoring-scrape-database").spec).toEqual({
      podSelector: { matchLabels: { "cnpg.io/cluster": "watched-db" } },
      policyTypes: ["Ingress"],
      ingress: [
        {
          from: [
            { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } },
          ],
          ports: [{ protocol: "TCP", port: 9187 }],
        },
      ],
    });
  });

  test("its instance count and backup schedule reach the alerts; without backups there is none", async () => {
    const withBackups = await watching(true);
    expect(withBackups.database.instances).toBe(3);
    expect(withBackups.database.backupSchedule).toBe(backup.schedule);
    const rules = JSON.stringify(withBackups.props("monitoring-alerts").spec.groups);
    expect(rules).toContain('pod=~\\"watched-db-[0-9]+\\"');
    expect(rules).toContain("< 3");
    expect(rules).toContain(`the schedule \\"${backup.schedule}\\"`);
    const without = await watching(false);
    expect(without.database.backupSchedule).toBeUndefined();
    const noBackupRules = JSON.stringify(without.props("monitoring-alerts").spec.groups);
    expect(noBackupRules).not.toContain("the schedule");
  });
});
