import * as pulumi from "@pulumi/pulumi";
import { capture, outputValue, type MockRegistration } from "../../tools/lib/capture";

// examples/consumer under mocks: the StackReference answers with what the nightscout stack
// exports (secret outputs flagged as the engine does).
const exported: Record<string, unknown> = {
  namespace: "nightscout",
  url: "https://ns.example.org",
  nightscoutService: { name: "nightscout", port: 80 },
  ferretdbHost: "ferretdb.nightscout.svc.cluster.local",
  ferretdbPort: 27017,
  mongoUri: "mongodb://nightscout:pw@ferretdb.nightscout.svc.cluster.local:27017/nightscout",
  postgresClusterName: "nightscout-db",
  postgresReadWriteHost: "nightscout-db-rw.nightscout.svc.cluster.local",
  displayUnits: "mmol/L",
  backupsEnabled: true,
  accessLinks: {
    Grandma: {
      token: "grandma-0123456789abcdef",
      url: "https://ns.example.org/?token=grandma-0123456789abcdef",
    },
  },
};
const STACK_REFERENCE = "pulumi:pulumi:StackReference";

let consumer: Record<string, pulumi.Output<unknown>>;
let registrations: MockRegistration[];
beforeAll(async () => {
  ({ outputs: consumer, registrations } = await capture({
    project: "nightscout-consumer",
    stack: "dev",
    configuration: {
      config: { "nightscout-consumer:nightscoutStack": "organization/nightscout/production" },
      secretKeys: [],
    },
    respond(args) {
      if (args.type !== STACK_REFERENCE) return undefined;
      const outputs = args.name === "incomplete" ? { url: exported.url } : exported;
      return {
        id: args.inputs.name,
        state: { name: args.inputs.name, outputs, secretOutputNames: ["mongoUri", "accessLinks"] },
      };
    },
    loadProgram: () =>
      import("../../examples/consumer/index") as Promise<Record<string, pulumi.Output<unknown>>>,
  }));
});

test("references the configured stack", () => {
  const referenced = registrations.filter((r) => r.type === STACK_REFERENCE);
  expect(referenced.map((r) => r.inputs.name)).toEqual(["organization/nightscout/production"]);
});

test("derives its values from the referenced outputs", async () => {
  expect((await outputValue(consumer.statusUrl)).value).toBe(
    "https://ns.example.org/api/v1/status.json",
  );
  expect((await outputValue(consumer.nightscoutServiceAddress)).value).toBe(
    "nightscout.nightscout.svc.cluster.local:80",
  );
  expect((await outputValue(consumer.units)).value).toBe("mmol/L");
});

test("the MongoDB URI stays secret across the reference", async () => {
  const uri = await outputValue(consumer.reportingMongoUri);
  expect(uri.secret).toBe(true);
  expect(uri.value).toBe(exported.mongoUri);
  expect((await outputValue(consumer.statusUrl)).secret).toBe(false);
});

test("reads exactly the outputs the program exports", async () => {
  const { nightscoutOutputs } = await import("../../examples/consumer/nightscout-outputs");
  const { stackOutputs } = await import("../../outputs");
  const program = stackOutputs({
    namespace: "n",
    url: "u",
    nightscoutServiceName: "s",
    nightscoutServicePort: 80,
    ferretdbHost: "h",
    ferretdbPort: 27017,
    mongoUri: "m",
    postgresClusterName: "c",
    postgresReadWriteHost: "r",
    displayUnits: "mmol/L",
    backupsEnabled: false,
    accessLinks: {},
  });
  const read = nightscoutOutputs(new pulumi.StackReference("organization/nightscout/production"));
  expect(Object.keys(read).sort()).toEqual(Object.keys(program).sort());
});
