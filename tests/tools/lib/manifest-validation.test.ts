import { ManifestValidator, closeSchema } from "../../../tools/lib/manifest-validation";

let validator: ManifestValidator;
beforeAll(() => {
  validator = new ManifestValidator();
});

const deployment = (container: Record<string, unknown>) => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web" },
  spec: {
    selector: { matchLabels: { app: "web" } },
    template: {
      metadata: { labels: { app: "web" } },
      spec: { containers: [{ name: "web", image: "nginx:1.27", ...container }] },
    },
  },
});

const cluster = (spec: Record<string, unknown>) => ({
  apiVersion: "postgresql.cnpg.io/v1",
  kind: "Cluster",
  metadata: { name: "db" },
  spec: { instances: 1, ...spec },
});

describe("core kinds (kubernetes-models)", () => {
  test("a valid Deployment passes", () => {
    expect(validator.validate(deployment({ imagePullPolicy: "IfNotPresent" }))).toEqual([]);
  });
  test("a misspelled field is rejected, with its path", () => {
    expect(validator.validate(deployment({ imagePullPolice: "IfNotPresent" }))).toEqual([
      'Deployment web:/spec/template/spec/containers/0/imagePullPolice: unknown field "imagePullPolice"',
    ]);
  });
  test("a misspelled metadata field is rejected", () => {
    const d = deployment({});
    (d.metadata as Record<string, unknown>).label = { a: "b" };
    expect(validator.validate(d)).toEqual([
      'Deployment web:/metadata/label: unknown field "label"',
    ]);
  });
  test("labels and annotations take any key", () => {
    const d = deployment({});
    (d.metadata as Record<string, unknown>).annotations = { "anything.example/x": "y" };
    expect(validator.validate(d)).toEqual([]);
  });
  test("a wrong type is rejected", () => {
    const problems = validator.validate(deployment({ ports: [{ containerPort: "eighty" }] }));
    expect(problems.join("\n")).toMatch(/containerPort/);
  });
  test("an unknown kind is an error, not a silent pass", () => {
    expect(
      validator.validate({ apiVersion: "example.org/v1", kind: "Widget", metadata: { name: "w" } }),
    ).toEqual(["Widget w: no schema known for example.org/v1 Widget"]);
  });
});

describe("Traefik Middleware (@kubernetes-models/traefik)", () => {
  const middleware = (spec: Record<string, unknown>) => ({
    apiVersion: "traefik.io/v1alpha1",
    kind: "Middleware",
    metadata: { name: "m" },
    spec,
  });
  test("a redirect passes", () => {
    expect(
      validator.validate(middleware({ redirectScheme: { scheme: "https", permanent: true } })),
    ).toEqual([]);
  });
  test("a misspelled field is rejected", () => {
    expect(
      validator.validate(middleware({ redirectScheme: { scheme: "https", permanant: true } })),
    ).toEqual(['Middleware m:/spec/redirectScheme/permanant: unknown field "permanant"']);
  });
});

describe("CloudNative-PG and Barman Cloud CRDs (ajv over the CRDs from the operators' Go modules)", () => {
  test("a valid Cluster passes", () => {
    expect(validator.validate(cluster({ postgresUID: 999, postgresGID: 999 }))).toEqual([]);
  });
  test("a misspelled Cluster field is rejected (postgresUid)", () => {
    expect(validator.validate(cluster({ postgresUid: 999 }))).toEqual([
      'Cluster db: /spec must NOT have additional properties "postgresUid"',
    ]);
  });
  test("a misspelled nested field is rejected", () => {
    expect(validator.validate(cluster({ bootstrap: { initdb: { postInitSql: [] } } }))).toEqual([
      'Cluster db: /spec/bootstrap/initdb must NOT have additional properties "postInitSql"',
    ]);
  });
  test("postgresql.parameters stays open (it is a map)", () => {
    expect(
      validator.validate(
        cluster({ postgresql: { parameters: { "cron.host": "/controller/run" } } }),
      ),
    ).toEqual([]);
  });
  test("a missing required field is rejected", () => {
    expect(
      validator.validate({
        apiVersion: "postgresql.cnpg.io/v1",
        kind: "Cluster",
        metadata: { name: "db" },
        spec: {},
      }),
    ).toEqual(["Cluster db: /spec must have required property 'instances'"]);
  });
  test("metadata of a custom resource is held to ObjectMeta", () => {
    expect(validator.validate({ ...cluster({}), metadata: { name: "db", namespce: "x" } })).toEqual(
      ['Cluster db: /metadata/namespce: unknown field "namespce"'],
    );
  });
  test("ScheduledBackup: a wrong enum value is rejected", () => {
    const problems = validator.validate({
      apiVersion: "postgresql.cnpg.io/v1",
      kind: "ScheduledBackup",
      metadata: { name: "b" },
      spec: { schedule: "0 0 0 * * *", cluster: { name: "db" }, method: "plugins" },
    });
    expect(problems.join("\n")).toMatch(
      /\/spec\/method must be equal to one of the allowed values/,
    );
  });
  test("ObjectStore: a misspelled field is rejected", () => {
    const problems = validator.validate({
      apiVersion: "barmancloud.cnpg.io/v1",
      kind: "ObjectStore",
      metadata: { name: "s" },
      spec: { configuration: { destinationPath: "s3://b/p", endpointUrl: "https://s3" } },
    });
    expect(problems).toEqual([
      'ObjectStore s: /spec/configuration must NOT have additional properties "endpointUrl"',
    ]);
  });
});

test("closeSchema closes objects with properties unless they preserve unknown fields", () => {
  const closed = closeSchema({
    type: "object",
    properties: {
      a: { type: "object", properties: { b: { type: "string" } } },
      open: {
        type: "object",
        properties: { c: { type: "string" } },
        "x-kubernetes-preserve-unknown-fields": true,
      },
      map: { type: "object", additionalProperties: { type: "string" } },
    },
  }) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  expect(closed.additionalProperties).toBe(false);
  expect(closed.properties.a.additionalProperties).toBe(false);
  expect(closed.properties.open.additionalProperties).toBeUndefined();
  expect(closed.properties.map.additionalProperties).toEqual({ type: "string" });
});
