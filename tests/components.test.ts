import * as k8s from "@pulumi/kubernetes";
import { FERRETDB_ROLLOUT_SURGE, POOL_SIZE_ANNOTATION, ferretDbConnectionBudget } from "../domain";
import { FerretDb, ferretDbRollout } from "../components/ferret-db";
import { AppNamespace } from "../components/namespace";
import { clientAccess, egressTo, networkPolicyArgs } from "../components/network-policy";
import { Nightscout, nightscoutSettings } from "../components/nightscout";
import { objectStoreEgressPorts } from "../components/object-store";
import { PostgresCluster } from "../components/postgres-cluster";
import { capture } from "../tools/lib/capture";
import {
  backup,
  ferretArgs,
  namespaceArgs,
  nightscoutArgs,
  postgresArgs,
} from "./helpers/component-args";

/**
 * Builds inside capture() and returns what `build` threw synchronously and every registration
 * that reached the mocks, with the provider it went through.
 */
async function registrationsOf(build: () => unknown) {
  let thrown: unknown;
  const { registrations } = await capture({
    stack: "unit",
    loadProgram: () => {
      try {
        build();
      } catch (error) {
        thrown = error;
      }
    },
  });
  return { reached: registrations, thrown };
}

describe("constructors validate before registering anything", () => {
  const rejected: [string, () => unknown, RegExp][] = [
    [
      "AppNamespace",
      () => new AppNamespace("bad", namespaceArgs({ name: "default" })),
      /^AppNamespace: args.name = "default": is a namespace the cluster.s own workloads use/,
    ],
    [
      "PostgresCluster",
      () => new PostgresCluster("bad", postgresArgs({ instances: 0 })),
      /^PostgresCluster: args.instances = 0 is invalid/,
    ],
    [
      "FerretDb",
      () => new FerretDb("bad", ferretArgs({ replicas: 0 })),
      /^FerretDb: args.replicas = 0 is invalid/,
    ],
    [
      "Nightscout",
      () => new Nightscout("bad", nightscoutArgs({ hostname: "localhost" })),
      /^Nightscout: args.hostname = "localhost" is invalid/,
    ],
  ];
  test.each(rejected)(
    "%s throws in its constructor and registers nothing",
    async (_, build, message) => {
      const { reached, thrown } = await registrationsOf(build);
      expect(thrown).toEqual(expect.objectContaining({ message: expect.stringMatching(message) }));
      expect(reached).toEqual([]);
    },
  );
  test("the same build with valid args does register (so the check above can fail)", async () => {
    const { reached, thrown } = await registrationsOf(() => new FerretDb("good", ferretArgs()));
    expect(thrown).toBeUndefined();
    expect(reached.map((r) => r.name)).toContain("good-deployment");
  });
});

test("every Kubernetes object of the components goes through the provider they were given", async () => {
  const { reached } = await registrationsOf(() => {
    const provider = new k8s.Provider("stack-k8s", {});
    const opts = { providers: { kubernetes: provider } };
    new AppNamespace("ns", namespaceArgs(), opts);
    new PostgresCluster("pg", postgresArgs({ backup }), opts);
    new FerretDb("ferretdb", ferretArgs({ replicas: 2 }), opts);
    new Nightscout("nightscout", nightscoutArgs(), opts);
  });
  const objects = reached.filter((r) => r.type.startsWith("kubernetes:"));
  // The namespace and its 2 policies; the Cluster, app Secret, backup Secret and ObjectStore,
  // ScheduledBackup, policy; FerretDB's Secret, Deployment, Service, PDB, policy; Nightscout's
  // Secret, Deployment, Service, Middleware, Ingress, policy.
  expect(objects).toHaveLength(20);
  for (const object of objects) {
    // The mocks see a provider reference as <provider URN>::<provider id>.
    expect({ name: object.name, provider: object.provider }).toEqual({
      name: object.name,
      provider: expect.stringMatching(/\$pulumi:providers:kubernetes::stack-k8s::stack-k8s-id$/),
    });
  }
});

test("PostgresCluster restores from another path through a second ObjectStore", async () => {
  const { reached } = await registrationsOf(
    () =>
      new PostgresCluster(
        "two-stores",
        postgresArgs({
          clusterName: "db2",
          backup,
          restore: { ...backup, destinationPath: "s3://b/old", serverName: "db" },
        }),
      ),
  );
  const stores = reached.filter((r) => r.type === "kubernetes:barmancloud.cnpg.io/v1:ObjectStore");
  expect(stores.map((r) => r.name).sort()).toEqual(["two-stores-backup", "two-stores-restore"]);
});

describe("spec builders (no Pulumi runtime involved)", () => {
  test("fact 17: FerretDB's rollout surge is the one the connection budget counts, with its pool size", () => {
    const rollout = ferretDbRollout(20);
    expect(rollout.strategy.rollingUpdate).toEqual({
      maxSurge: FERRETDB_ROLLOUT_SURGE,
      maxUnavailable: 0,
    });
    expect(rollout.annotations).toEqual({ [POOL_SIZE_ANNOTATION]: "20" });
    expect(ferretDbConnectionBudget(2, 20, 100).peakPods).toBe(
      2 + rollout.strategy.rollingUpdate.maxSurge,
    );
  });
  test("a workload's NetworkPolicy restricts both directions to its rules", () => {
    const { clientLabels, clients } = clientAccess("db");
    expect(clientLabels).toEqual({ "nightscout.dev/db-client": "true" });
    expect(
      networkPolicyArgs({
        metadata: { namespace: "ns", name: "web" },
        podLabels: { app: "web" },
        ingress: [{ from: [clients] }],
        egress: [egressTo({ podSelector: { app: "db" }, port: 5432 })],
      }),
    ).toEqual({
      metadata: { namespace: "ns", name: "web" },
      spec: {
        podSelector: { matchLabels: { app: "web" } },
        policyTypes: ["Ingress", "Egress"],
        ingress: [{ from: [{ podSelector: { matchLabels: clientLabels } }] }],
        egress: [
          {
            to: [{ podSelector: { matchLabels: { app: "db" } } }],
            ports: [{ protocol: "TCP", port: 5432 }],
          },
        ],
      },
    });
  });
  test("a NetworkPolicy restricts only the directions it is given; no rules deny one", () => {
    const metadata = { namespace: "ns", name: "p" };
    expect(networkPolicyArgs({ metadata, ingress: [], egress: [] }).spec).toStrictEqual({
      podSelector: {},
      policyTypes: ["Ingress", "Egress"],
    });
    const ingressOnly = networkPolicyArgs({
      metadata,
      podLabels: { app: "web" },
      ingress: [{ from: [{ podSelector: {} }] }],
    }).spec;
    expect(ingressOnly).toStrictEqual({
      podSelector: { matchLabels: { app: "web" } },
      policyTypes: ["Ingress"],
      ingress: [{ from: [{ podSelector: {} }] }],
    });
  });
  test("object stores on ports other than HTTPS's open those ports, once", () => {
    const store = (endpointUrl?: string) => ({
      destinationPath: "s3://b",
      endpointUrl,
      accessKeyId: "a",
      secretAccessKey: "s",
    });
    expect(objectStoreEgressPorts([undefined, store()])).toEqual([]);
    expect(objectStoreEgressPorts([store("https://s3.example.org")])).toEqual([]);
    expect(objectStoreEgressPorts([store("https://api.example.org:6443")])).toEqual([]);
    expect(objectStoreEgressPorts([store("http://minio")])).toEqual([80]);
    expect(
      objectStoreEgressPorts([store("http://minio:9000"), store("https://minio:9000")]),
    ).toEqual([9000]);
  });
});

describe("nightscoutSettings renders what Nightscout parses", () => {
  const base = {
    displayUnits: "mmol/L" as const,
    alarmTypes: "simple",
    authDefaultRoles: ["status-only"],
    enabledPlugins: ["careportal", "iob"],
    showPlugins: ["careportal"],
    dbSizeMaxMiB: 4096,
  };
  test("fact 21: mmol/L and mg/dL", () => {
    expect(nightscoutSettings(base).DISPLAY_UNITS).toBe("mmol");
    expect(nightscoutSettings({ ...base, displayUnits: "mg/dL" }).DISPLAY_UNITS).toBe("mg/dl");
  });
  test("fact 22: mmol/L thresholds stay below 50 with one decimal; mg/dL ones are whole", () => {
    const mmol = nightscoutSettings({
      ...base,
      thresholds: { low: 3.5, targetBottom: 4, targetTop: 10, high: 14 },
    });
    expect([mmol.BG_LOW, mmol.BG_TARGET_BOTTOM, mmol.BG_TARGET_TOP, mmol.BG_HIGH]).toEqual([
      "3.5",
      "4.0",
      "10.0",
      "14.0",
    ]);
    const mg = nightscoutSettings({
      ...base,
      displayUnits: "mg/dL",
      thresholds: { low: 55, targetBottom: 70, targetTop: 180, high: 260 },
    });
    expect([mg.BG_LOW, mg.BG_TARGET_BOTTOM, mg.BG_TARGET_TOP, mg.BG_HIGH]).toEqual([
      "55",
      "70",
      "180",
      "260",
    ]);
  });
  test("no thresholds: none rendered", () => {
    expect(Object.keys(nightscoutSettings(base)).filter((k) => k.startsWith("BG_"))).toEqual([]);
  });
  test("lists are space separated", () => {
    const s = nightscoutSettings({ ...base, authDefaultRoles: ["status-only", "careportal"] });
    expect(s.AUTH_DEFAULT_ROLES).toBe("status-only careportal");
    expect(s.ENABLE).toBe("careportal iob");
    expect(s.SHOW_PLUGINS).toBe("careportal");
    expect(s.DBSIZE_MAX).toBe("4096");
  });
});
