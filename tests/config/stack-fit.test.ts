/** Values that are valid alone but wrong for the stack they are in (domain/rules/). */
import { parse, problems } from "./helpers";

describe("a value wrong only next to the rest of the stack", () => {
  it.each(["app", "superuser", "ca", "server", "replication"])(
    "tlsSecretName <cluster>-%s is a Secret CloudNative-PG writes",
    (suffix) => {
      expect(problems({ tlsSecretName: `nightscout-db-${suffix}` })).toEqual([
        `nightscout:tlsSecretName = "nightscout-db-${suffix}": is the name of a Secret CloudNative-PG writes for the nightscout-db Cluster; the certificate and that Secret would overwrite each other. Fix: pulumi config set tlsSecretName nightscout-tls`,
      ]);
    },
  );

  it("tlsSecretName <cluster>-app-credentials is a Secret the stack writes, whatever the cluster is called", () => {
    expect(
      problems({ postgresClusterName: "family-db", tlsSecretName: "family-db-app-credentials" }),
    ).toEqual([
      'nightscout:tlsSecretName = "family-db-app-credentials": is the name of a Secret this stack writes for the family-db Cluster; the certificate and that Secret would overwrite each other. Fix: pulumi config set tlsSecretName nightscout-tls',
    ]);
    // The same name next to another cluster is the operator's own.
    expect(() => parse({ tlsSecretName: "family-db-app-credentials" })).not.toThrow();
  });

  it("dbSizeMaxMiB at or above the volume would warn only once the disk is full", () => {
    expect(problems({ postgresStorageSize: "5Gi", dbSizeMaxMiB: "5120" })).toEqual([
      'nightscout:dbSizeMaxMiB = "5120": is not below postgresStorageSize (5Gi, 5120 MiB); the dbsize pill would warn only once the volume is full. Fix: pulumi config set dbSizeMaxMiB 4096 (or pulumi config set dbSizeMaxMiB 0 to derive it)',
    ]);
    expect(() => parse({ postgresStorageSize: "5Gi", dbSizeMaxMiB: "5119" })).not.toThrow();
    expect(() => parse({ postgresStorageSize: "5Gi", dbSizeMaxMiB: "0" })).not.toThrow();
  });
});
