/** The NetworkPolicy builders (no Pulumi runtime involved). */
import { clientAccess, egressTo, networkPolicyArgs } from "../../components/network-policy";

describe("spec builders (no Pulumi runtime involved)", () => {
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
});
