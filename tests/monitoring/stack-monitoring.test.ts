/**
 * Staging with `monitoring true`: every program invariant still holds (strict schemas,
 * including the prometheus-operator CRDs, secrets, names, providers), the scrape paths are open
 * to the monitoring namespace only, the PrometheusRule is domain/alerts.ts for this stack, and
 * the resource budget stays within 10% of staging's requests.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { accessToken, parseQuantity } from "../../domain";
import { alertGroups } from "../../domain/alerts";
import { evaluatePolicies, type PolicyPackConfig } from "../../policies/evaluate";
import { TEST_SECRETS, capturedSubjectId } from "../../tools/lib/capture";
import { describeProgramInvariants } from "../helpers/invariants";
import { Props, T, containerOf, manifestValidator, selects, useProgram } from "../helpers/program";

const podMonitor = "kubernetes:monitoring.coreos.com/v1:PodMonitor";
const prometheusRule = "kubernetes:monitoring.coreos.com/v1:PrometheusRule";

// staleDataMinutes off its default, so the alert and the page can be seen to follow the setting.
const program = useProgram("staging", {
  monitoring: "true",
  monitoringNamespace: "observability",
  staleDataMinutes: "45",
});
const { props, ofType } = program;

describeProgramInvariants(program, {
  namespace: "nightscout-staging",
  hostname: "ns-staging.example.org",
});

/** Requests of every pod the app namespace runs: Deployments and CNPG instances. */
function requestedResources(resources: { type: string; props: unknown }[]) {
  let cpu = 0;
  let memory = 0;
  for (const r of resources) {
    const p = r.props as Props;
    const add = (count: number, requests: Props | undefined) => {
      // Millicores, so sums stay whole numbers.
      cpu += count * Math.round((parseQuantity(requests?.cpu) ?? 0) * 1000);
      memory += count * (parseQuantity(requests?.memory) ?? 0);
    };
    if (r.type === T.deployment) {
      for (const c of p.spec.template.spec.containers)
        add(p.spec.replicas ?? 1, c.resources?.requests);
    } else if (r.type === T.cluster) {
      add(p.spec.instances, p.spec.resources?.requests);
    }
  }
  return { cpu, memory };
}

describe("monitoring on", () => {
  test("every monitoring object validates strictly against the v0.93.0 CRDs and core schemas", () => {
    const objects = [...ofType(podMonitor), ...ofType(prometheusRule)];
    expect(objects.map((r) => r.name).sort()).toEqual([
      "monitoring-alerts",
      "monitoring-database",
      "monitoring-glucose",
    ]);
    for (const r of objects) expect(manifestValidator().validate(r.props as Props)).toEqual([]);
  });

  test("the schema check would catch a typo in a PodMonitor", () => {
    const monitor = structuredClone(props(podMonitor, "monitoring-database"));
    monitor.spec.podMetricEndpoints = monitor.spec.podMetricsEndpoints;
    delete monitor.spec.podMetricsEndpoints;
    expect(manifestValidator().validate(monitor)).not.toEqual([]);
  });

  test("the database PodMonitor scrapes the instances' metrics port", () => {
    const spec = props(podMonitor, "monitoring-database").spec;
    expect(spec.selector.matchLabels).toEqual({
      "cnpg.io/cluster": "nightscout-db",
      "cnpg.io/podRole": "instance",
    });
    expect(spec.podMetricsEndpoints).toEqual([{ port: "metrics" }]);
  });

  test("only the monitoring namespace may reach the metrics and exporter ports", () => {
    const scrapePeers = ofType(T.networkPolicy)
      .flatMap((p) => (p.props as Props).spec.ingress ?? [])
      .filter((rule: Props) =>
        (rule.ports ?? []).some((pt: Props) => pt.port === 9187 || pt.port === 7979),
      );
    expect(scrapePeers).toHaveLength(2);
    for (const rule of scrapePeers)
      expect(rule.from).toEqual([
        { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "observability" } } },
      ]);
  });

  test("the exporter may reach Nightscout's port and nothing else; Nightscout lets it in", () => {
    const exporter = props(T.deployment, "monitoring-glucose-exporter");
    const exporterLabels = exporter.spec.template.metadata.labels;
    const own = props(T.networkPolicy, "monitoring-glucose-exporter-network").spec;
    expect(own.egress).toEqual([
      {
        to: [
          {
            podSelector: {
              matchLabels: props(T.deployment, "nightscout-deployment").spec.selector.matchLabels,
            },
          },
        ],
        ports: [{ protocol: "TCP", port: 1337 }],
      },
    ]);
    const opening = props(T.networkPolicy, "monitoring-nightscout-from-exporter").spec;
    expect(opening.policyTypes).toEqual(["Ingress"]);
    expect(selects(opening.ingress[0].from[0].podSelector, exporterLabels)).toBe(true);
    const nightscoutLabels = props(T.deployment, "nightscout-deployment").spec.template.metadata
      .labels;
    expect(selects(opening.podSelector, nightscoutLabels)).toBe(true);
  });

  test("the exporter reads the newest entry with its own readable subject's token, from a Secret", () => {
    const config = ofType(T.secret).find((s) => s.name === "monitoring-glucose-exporter-config")!;
    const file = yaml.load((config.props as Props).stringData["config.yml"]) as Props;
    // The subject the access reconciler made for it (under mocks, capture's made-up _id).
    const subject = { name: "glucose-exporter", _id: capturedSubjectId("glucose-exporter") };
    const token = accessToken(subject, TEST_SECRETS.apiSecret);
    expect(file.modules.nightscout.headers).toEqual({
      "api-secret": token,
      "X-Forwarded-Proto": "https",
    });
    // Never API_SECRET's hash, which Nightscout takes as admin.
    const sha1 = crypto.createHash("sha1").update(TEST_SECRETS.apiSecret).digest("hex");
    expect(JSON.stringify(file)).not.toContain(sha1);
    expect(file.modules.nightscout.metrics[0].path).toBe("{[0].date}");
    const container = containerOf(props(T.deployment, "monitoring-glucose-exporter"));
    expect(container.env).toBeUndefined();
    const endpoint = props(podMonitor, "monitoring-glucose").spec.podMetricsEndpoints[0];
    expect(endpoint.params.target).toEqual([
      "http://nightscout.nightscout-staging.svc.cluster.local:80/api/v1/entries/current.json",
    ]);
  });

  test("the PrometheusRule holds domain/alerts.ts's rules for this stack", () => {
    expect(props(prometheusRule, "monitoring-alerts").spec.groups).toEqual(
      alertGroups({
        namespace: "nightscout-staging",
        clusterName: "nightscout-db",
        instances: 1,
        backupSchedule: undefined,
        staleDataMinutes: 45,
        nightscoutDeployment: "nightscout",
        ferretdbDeployment: "ferretdb",
        exporterJob: "nightscout-glucose-exporter",
      }),
    );
  });

  test("Nightscout's own stale-data alarm sounds at the minute the alert pages", () => {
    const rule = (props(prometheusRule, "monitoring-alerts").spec.groups as Props[])
      .flatMap((g) => g.rules as Props[])
      .find((r) => r.alert === "NightscoutGlucoseDataStale")!;
    expect(rule.expr).toContain(`> ${45 * 60})`);
    const env = Object.fromEntries(
      (containerOf(props(T.deployment, "nightscout-deployment")).env as Props[]).map((e) => [
        e.name,
        e.value,
      ]),
    );
    expect(env.ALARM_TIMEAGO_URGENT_MINS).toBe("45");
    expect(env.ALARM_TIMEAGO_URGENT).toBe("true");
    expect(env.ALARM_TIMEAGO_WARN_MINS).toBe("23");
  });

  test("the policy pack finds nothing, mandatory or advisory, with staging's policy config", async () => {
    const file = path.join(__dirname, "..", "..", "policies", "config", "staging.json");
    const config = JSON.parse(fs.readFileSync(file, "utf8")) as PolicyPackConfig;
    const violations = await evaluatePolicies(program.resources(), config);
    expect(violations.map((v) => `${v.policy}: ${v.message}`)).toEqual([]);
  });

  test("staging requests 250m CPU and 704Mi today; monitoring adds at most 10%", () => {
    // What monitoring adds is what the Monitoring component parents; the rest is staging as
    // it renders with monitoring off (stack-staging.test.ts pins that resource list).
    const all = program.resources();
    const fromMonitoring = (r: (typeof all)[number]) =>
      r.opts.parent?.endsWith("nightscout:monitoring:Monitoring::monitoring") ?? false;
    const before = requestedResources(all.filter((r) => !fromMonitoring(r)));
    const after = requestedResources(all);
    expect(before).toEqual({ cpu: 250, memory: 704 * 2 ** 20 });
    const added = { cpu: after.cpu - before.cpu, memory: after.memory - before.memory };
    // Reported by the test's name and the README: 10m (4%) and 24Mi (3.4%).
    expect(added).toEqual({ cpu: 10, memory: 24 * 2 ** 20 });
    expect(after.cpu).toBeLessThanOrEqual(before.cpu * 1.1);
    expect(after.memory).toBeLessThanOrEqual(before.memory * 1.1);
  });
});
