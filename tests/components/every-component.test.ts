/** What holds for the four components together: the provider they are given reaches every object. */
import * as k8s from "@pulumi/kubernetes";
import { FerretDb } from "../../components/ferret-db";
import { AppNamespace } from "../../components/namespace";
import { Nightscout } from "../../components/nightscout";
import { PostgresCluster } from "../../components/postgres-cluster";
import {
  backup,
  ferretArgs,
  namespaceArgs,
  nightscoutArgs,
  postgresArgs,
} from "../helpers/component-args";
import { registrationsOf } from "../helpers/registrations";

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
