/**
 * A value that fails its own check is reported once: the cross-field rules that read it stand
 * back instead of adding a second, misleading problem about it (docs/mutation-testing.md).
 */
import { WITH_BACKUP, problems } from "./helpers";

const PRODUCTION = {
  environment: "production",
  protectDatabase: "true",
  postgresInstances: "3",
  ...WITH_BACKUP,
  backupEndpointUrl: "https://s3.example.org",
  authDefaultRoles: '["denied"]',
};

const LONG_NAME = "a".repeat(51);

test.each([
  ["showPlugins", { showPlugins: "careportal" }],
  ["enabledPlugins", { enabledPlugins: "careportal" }],
  ["tlsSecretName", { tlsSecretName: "Not_A_Name" }],
  ["postgresClusterName", { postgresClusterName: "Not_A_Name", tlsSecretName: "ns-tls" }],
  // Too long for a cluster name, while its -app Secret's name is a valid object name.
  ["postgresClusterName", { postgresClusterName: LONG_NAME, tlsSecretName: `${LONG_NAME}-app` }],
  ["dbSizeMaxMiB", { dbSizeMaxMiB: "lots" }],
  ["postgresStorageSize", { postgresStorageSize: "lots", dbSizeMaxMiB: "100" }],
  // Below 1Gi, yet still a quantity: 512 MiB, which a dbSizeMaxMiB of 600 is not below.
  ["postgresStorageSize", { postgresStorageSize: "512Mi", dbSizeMaxMiB: "600" }],
  ["nightscoutMemoryRequest", { nightscoutMemoryRequest: "lots" }],
  ["nightscoutMemoryLimit", { nightscoutMemoryLimit: "lots" }],
  // Milli-bytes: refused, yet a quantity, and far below the request.
  ["postgresMemoryLimit", { postgresMemoryLimit: "512m" }],
  [
    "postgresMemoryRequest",
    { postgresMemoryRequest: "2000000000000m", postgresMemoryLimit: "1Gi" },
  ],
  ["cnpgOperatorNamespace", { cnpgOperatorNamespace: "Not A Namespace" }],
  // A malformed digest, behind a tag that does not pair with the default FerretDB image.
  [
    "postgresImage",
    { postgresImage: "ghcr.io/ferretdb/postgres-documentdb:17-0.106.0-ferretdb-2.5.0@sha256:abc" },
  ],
  ["monitoringNamespace", { monitoring: "true", monitoringNamespace: "Not A Namespace" }],
])("an invalid %s is one problem, its own", (key, given) => {
  const found = problems(given);
  expect(found).toHaveLength(1);
  expect(found[0]).toMatch(new RegExp(`^nightscout:${key} = `));
});

test.each([
  ["postgresInstances", { postgresInstances: "many" }],
  ["protectDatabase", { protectDatabase: "maybe" }],
  ["authDefaultRoles", { authDefaultRoles: "readable" }],
  // Still a list of strings, one of them no role: the writing admin is not judged as well.
  ["authDefaultRoles", { authDefaultRoles: '["admin","nobody"]' }],
])("in production, an invalid %s is one problem, its own", (key, given) => {
  const found = problems({ ...PRODUCTION, ...given });
  expect(found).toHaveLength(1);
  expect(found[0]).toMatch(new RegExp(`^nightscout:${key} = `));
});

test("two equal invalid namespaces are each reported once, and not as a clash", () => {
  const found = problems({
    namespace: "Not A Namespace",
    cnpgOperatorNamespace: "Not A Namespace",
  });
  expect(found.map((p) => p.split(" = ")[0])).toEqual([
    "nightscout:namespace",
    "nightscout:cnpgOperatorNamespace",
  ]);
  expect(found.join("\n")).not.toMatch(/is also/);
});
