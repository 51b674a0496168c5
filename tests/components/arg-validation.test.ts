/**
 * What arg-validation.ts promises for every component: its constructor rejects bad args before
 * anything registers. Each component's own checks are in its file here.
 */
import { FerretDb } from "../../components/ferret-db";
import { AppNamespace } from "../../components/namespace";
import { Nightscout } from "../../components/nightscout";
import { PostgresCluster } from "../../components/postgres-cluster";
import { ferretArgs, namespaceArgs, nightscoutArgs, postgresArgs } from "../helpers/component-args";
import { registrationsOf } from "../helpers/registrations";

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
