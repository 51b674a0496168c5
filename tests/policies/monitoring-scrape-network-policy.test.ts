import { monitoringScrapeNetworkPolicy as policy } from "../../policies/rules/monitoring-scrape-network-policy";
import { NS, documentdbCluster, networkPolicySet } from "./fixtures";
import { REMOVE, runStackPolicy, set, type TestResource } from "./helpers";

const POD_MONITOR = "kubernetes:monitoring.coreos.com/v1:PodMonitor";
const NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
const fromMonitoring = {
  namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } },
};

const databaseMonitor = (): TestResource => ({
  type: POD_MONITOR,
  name: "database",
  props: {
    metadata: { name: "postgres-metrics", namespace: NS },
    spec: {
      selector: { matchLabels: { "cnpg.io/cluster": "postgres", "cnpg.io/podRole": "instance" } },
      podMetricsEndpoints: [{ port: "metrics" }],
    },
  },
});
const scrapePolicy = (): TestResource => ({
  type: NETWORK_POLICY,
  name: "scrape",
  props: {
    metadata: { name: "postgres-scrape", namespace: NS },
    spec: {
      podSelector: { matchLabels: { "cnpg.io/cluster": "postgres" } },
      policyTypes: ["Ingress"],
      ingress: [{ from: [fromMonitoring], ports: [{ protocol: "TCP", port: 9187 }] }],
    },
  },
});
const exporter = (): TestResource => ({
  type: "kubernetes:apps/v1:Deployment",
  name: "exporter",
  props: {
    metadata: { name: "exporter", namespace: NS },
    spec: {
      template: {
        metadata: { labels: { app: "exporter" } },
        spec: { containers: [{ name: "x", ports: [{ name: "http", containerPort: 7979 }] }] },
      },
    },
  },
});
const exporterMonitor = (): TestResource => ({
  type: POD_MONITOR,
  name: "glucose",
  props: {
    metadata: { name: "glucose", namespace: NS },
    spec: {
      selector: { matchLabels: { app: "exporter" } },
      podMetricsEndpoints: [{ port: "http", path: "/probe" }],
    },
  },
});
const exporterPolicy = (): TestResource => ({
  type: NETWORK_POLICY,
  name: "exporter-network",
  props: {
    metadata: { name: "exporter", namespace: NS },
    spec: {
      podSelector: { matchLabels: { app: "exporter" } },
      policyTypes: ["Ingress", "Egress"],
      ingress: [{ from: [fromMonitoring], ports: [{ port: "http" }] }],
      egress: [],
    },
  },
});
const compliant = () => [
  documentdbCluster(),
  ...networkPolicySet(),
  databaseMonitor(),
  scrapePolicy(),
  exporter(),
  exporterMonitor(),
  exporterPolicy(),
];
const replace = (name: string, replacement: TestResource) =>
  compliant().map((r) => (r.name === name ? replacement : r));

const CLOSED =
  'PodMonitor "postgres-metrics": no NetworkPolicy lets the monitoring namespace reach Cluster "postgres" on port 9187 (metrics); add an ingress rule from a namespaceSelector naming it.';

describe("monitoring-scrape-network-policy", () => {
  it("passes PodMonitors whose ports are open to the monitoring namespace, by number or name", async () => {
    expect((await runStackPolicy(policy, compliant())).violations).toEqual([]);
  });

  it("is not applicable without PodMonitors (monitoring off)", async () => {
    expect(
      (await runStackPolicy(policy, [documentdbCluster(), ...networkPolicySet()])).notApplicable,
    ).toBe("The stack has no PodMonitor");
  });

  it("reports monitoring on without the scrape NetworkPolicy", async () => {
    const resources = compliant().filter((r) => r.name !== "scrape");
    expect((await runStackPolicy(policy, resources)).violations).toEqual([CLOSED]);
  });

  it("reports a scrape policy open to every namespace", async () => {
    const open = set(scrapePolicy(), "spec.ingress.0.from.0.namespaceSelector", {});
    expect((await runStackPolicy(policy, replace("scrape", open))).violations).toEqual([CLOSED]);
  });

  it("reports a scrape policy on another port", async () => {
    const wrong = set(scrapePolicy(), "spec.ingress.0.ports.0.port", 9188);
    expect((await runStackPolicy(policy, replace("scrape", wrong))).violations).toEqual([CLOSED]);
  });

  it("reports a scrape policy that is egress only", async () => {
    const egress = set(scrapePolicy(), "spec.policyTypes", ["Egress"]);
    expect((await runStackPolicy(policy, replace("scrape", egress))).violations).toEqual([CLOSED]);
  });

  it("takes a scrape policy without policyTypes as an ingress policy, as the API server does", async () => {
    const unset = set(scrapePolicy(), "spec.policyTypes", REMOVE);
    expect((await runStackPolicy(policy, replace("scrape", unset))).violations).toEqual([]);
  });

  it("reports the exporter's port closed to the monitoring namespace", async () => {
    const podsOnly = set(exporterPolicy(), "spec.ingress.0.from.0", {
      podSelector: { matchLabels: { app: "prometheus" } },
    });
    expect(
      (await runStackPolicy(policy, replace("exporter-network", podsOnly))).violations,
    ).toEqual([
      'PodMonitor "glucose": no NetworkPolicy lets the monitoring namespace reach Deployment "exporter" on port 7979 (http); add an ingress rule from a namespaceSelector naming it.',
    ]);
  });

  it("reports a PodMonitor that scrapes a port its pods do not name", async () => {
    const renamed = set(exporterMonitor(), "spec.podMetricsEndpoints.0.port", "metrics");
    expect((await runStackPolicy(policy, replace("glucose", renamed))).violations).toEqual([
      'PodMonitor "glucose" scrapes port "metrics", which Deployment "exporter" does not name.',
    ]);
    // A valid port name that is also a property of every JavaScript object.
    const inherited = set(exporterMonitor(), "spec.podMetricsEndpoints.0.port", "constructor");
    expect((await runStackPolicy(policy, replace("glucose", inherited))).violations).toEqual([
      'PodMonitor "glucose" scrapes port "constructor", which Deployment "exporter" does not name.',
    ]);
  });

  it("reports a PodMonitor that selects nothing in the stack", async () => {
    const stray = set(exporterMonitor(), "spec.selector.matchLabels", { app: "nothing" });
    expect((await runStackPolicy(policy, replace("glucose", stray))).violations).toEqual([
      `PodMonitor "glucose" selects no workload of the stack in ${NS}.`,
    ]);
    const noSelector = set(exporterMonitor(), "spec.selector", REMOVE);
    // No selector selects every pod of the namespace: each must then be open to scraping.
    expect(
      (await runStackPolicy(policy, replace("glucose", noSelector))).violations.length,
    ).toBeGreaterThan(0);
  });

  describe("boundaries", () => {
    it("names the Cluster and the workload by metadata.name, not by their Pulumi names", async () => {
      // Pulumi names unlike the objects' own: the labels and messages must follow metadata.name.
      const resources = compliant()
        .filter((r) => r.name !== "scrape" && r.name !== "exporter-network")
        .map((r) =>
          r.name === "postgres" || r.name === "exporter" ? { ...r, name: `${r.name}-resource` } : r,
        );
      expect((await runStackPolicy(policy, resources)).violations).toEqual([
        CLOSED,
        'PodMonitor "glucose": no NetworkPolicy lets the monitoring namespace reach Deployment "exporter" on port 7979 (http); add an ingress rule from a namespaceSelector naming it.',
      ]);
    });

    it("falls back to the Pulumi name when metadata.name is unset", async () => {
      const unnamed = {
        ...set(exporterMonitor(), "metadata.name", REMOVE),
        name: "glucose-monitor",
      };
      const stray = set(unnamed, "spec.selector.matchLabels", { app: "nothing" });
      expect((await runStackPolicy(policy, replace("glucose", stray))).violations).toEqual([
        `PodMonitor "glucose-monitor" selects no workload of the stack in ${NS}.`,
      ]);
    });

    it("reads only named ports that carry a number", async () => {
      const unnumbered = set(exporter(), "spec.template.spec.containers.0.ports", [
        { name: "http" },
        { containerPort: 7979 },
      ]);
      expect((await runStackPolicy(policy, replace("exporter", unnumbered))).violations).toEqual([
        'PodMonitor "glucose" scrapes port "http", which Deployment "exporter" does not name.',
      ]);
    });

    it("takes pods only from workloads: a Service with the same labels is not scraped", async () => {
      const service: TestResource = {
        type: "kubernetes:core/v1:Service",
        name: "exporter-service",
        props: {
          metadata: { name: "exporter", namespace: NS },
          spec: { template: { metadata: { labels: { app: "exporter" } } } },
        },
      };
      expect((await runStackPolicy(policy, [...compliant(), service])).violations).toEqual([]);
    });

    it("a workload without a pod template's labels is selected by no selector that names labels", async () => {
      const bare = set(exporter(), "spec.template.metadata", REMOVE);
      expect((await runStackPolicy(policy, replace("exporter", bare))).violations).toEqual([
        `PodMonitor "glucose" selects no workload of the stack in ${NS}.`,
      ]);
    });

    it("counts a rule when any of its peers is a namespace peer, and any of its ports matches", async () => {
      const mixed = set(scrapePolicy(), "spec.ingress.0", {
        from: [{ podSelector: { matchLabels: { app: "x" } } }, fromMonitoring],
        ports: [{ port: 1 }, { port: "metrics" }],
      });
      expect((await runStackPolicy(policy, replace("scrape", mixed))).violations).toEqual([]);
      const noPorts = set(scrapePolicy(), "spec.ingress.0.ports", REMOVE);
      expect((await runStackPolicy(policy, replace("scrape", noPorts))).violations).toEqual([]);
    });

    it("a peer with no namespaceSelector at all admits nothing from the monitoring namespace", async () => {
      const none = set(scrapePolicy(), "spec.ingress.0.from", [
        { ipBlock: { cidr: "10.0.0.0/8" } },
      ]);
      expect((await runStackPolicy(policy, replace("scrape", none))).violations).toEqual([CLOSED]);
    });

    it("ignores policies in another namespace, or selecting other pods", async () => {
      const elsewhere = set(scrapePolicy(), "metadata.namespace", "other");
      expect((await runStackPolicy(policy, replace("scrape", elsewhere))).violations).toEqual([
        CLOSED,
      ]);
      const otherPods = set(scrapePolicy(), "spec.podSelector.matchLabels", { app: "other" });
      expect((await runStackPolicy(policy, replace("scrape", otherPods))).violations).toEqual([
        CLOSED,
      ]);
    });

    it("selects pods of the PodMonitor's own namespace only", async () => {
      const elsewhere = set(exporterMonitor(), "metadata.namespace", "other");
      expect((await runStackPolicy(policy, replace("glucose", elsewhere))).violations).toEqual([
        'PodMonitor "glucose" selects no workload of the stack in other.',
      ]);
    });

    it("reads a port whose containerPort is not a number as not named", async () => {
      const text = set(exporter(), "spec.template.spec.containers.0.ports", [
        { name: "http", containerPort: "7979" },
      ]);
      expect((await runStackPolicy(policy, replace("exporter", text))).violations).toEqual([
        'PodMonitor "glucose" scrapes port "http", which Deployment "exporter" does not name.',
      ]);
    });

    it("selects only workloads and Clusters, also with a selector that selects everything", async () => {
      // NetworkPolicies and PodMonitors share the namespace; they run no pods to scrape.
      const everything = set(exporterMonitor(), "spec.selector", {});
      const resources = [exporter(), everything, exporterPolicy()];
      expect((await runStackPolicy(policy, resources)).violations).toEqual([]);
    });

    it("takes a workload without a pod template as pods without labels or ports", async () => {
      const templateless: TestResource = {
        type: "kubernetes:apps/v1:Deployment",
        name: "templateless",
        props: { metadata: { name: "templateless", namespace: NS }, spec: {} },
      };
      expect((await runStackPolicy(policy, [...compliant(), templateless])).violations).toEqual([]);
    });

    it("counts only NetworkPolicies: an object of another type shaped like one opens nothing", async () => {
      const calico = {
        ...scrapePolicy(),
        type: "kubernetes:crd.projectcalico.org/v1:NetworkPolicy",
      };
      expect((await runStackPolicy(policy, replace("scrape", calico))).violations).toEqual([
        CLOSED,
      ]);
    });

    it("an endpoint without a port matches no container port, not even one named undefined", async () => {
      // A missing name must not be looked up as the key "undefined".
      const odd = set(exporter(), "spec.template.spec.containers.0.ports", [
        { name: "undefined", containerPort: 7979 },
      ]);
      const portless = set(exporterMonitor(), "spec.podMetricsEndpoints.0.port", REMOVE);
      const resources = compliant().map((r) =>
        r.name === "exporter" ? odd : r.name === "glucose" ? portless : r,
      );
      expect((await runStackPolicy(policy, resources)).violations).toEqual([
        'PodMonitor "glucose" scrapes port "", which Deployment "exporter" does not name.',
      ]);
    });

    it("an endpoint without a port names the empty port", async () => {
      const portless = set(exporterMonitor(), "spec.podMetricsEndpoints.0.port", REMOVE);
      expect((await runStackPolicy(policy, replace("glucose", portless))).violations).toEqual([
        'PodMonitor "glucose" scrapes port "", which Deployment "exporter" does not name.',
      ]);
    });
  });
});
