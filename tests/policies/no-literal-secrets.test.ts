import {
  hasCredentialUri,
  noLiteralSecrets as policy,
} from "../../policies/rules/no-literal-secrets";
import { ferretdbDeployment, ingress, nightscoutDeployment } from "./fixtures";
import { UNKNOWN_STRING, runResourcePolicy, withContainer, withEnv } from "./helpers";

describe("no-literal-secrets", () => {
  it("passes secrets from secretKeyRef and credential-free literals", async () => {
    for (const r of [nightscoutDeployment(), ferretdbDeployment()]) {
      expect((await runResourcePolicy(policy, r)).violations).toEqual([]);
    }
    const plain = withEnv(
      nightscoutDeployment(),
      "MONGODB_URI",
      "mongodb://ferretdb:27017/nightscout",
    );
    expect((await runResourcePolicy(policy, plain)).violations).toEqual([]);
  });

  it("is not applicable to other types", async () => {
    expect((await runResourcePolicy(policy, ingress())).notApplicable).toBe(
      "Policy only applies to workloads and ConfigMaps",
    );
  });

  it.each(["API_SECRET", "DB_PASSWORD", "GITHUB_TOKEN", "PUSHOVER_API_KEY"])(
    "reports a literal %s",
    async (name) => {
      const r = withEnv(nightscoutDeployment(), name, "hunter2hunter2");
      expect((await runResourcePolicy(policy, r)).violations).toEqual([
        `container "nightscout": env ${name} looks sensitive but is not taken from a Secret (valueFrom.secretKeyRef with name and key).`,
      ]);
    },
  );

  it("reports a sensitive name read from a ConfigMap", async () => {
    const r = withEnv(nightscoutDeployment(), "API_SECRET", {
      valueFrom: { configMapKeyRef: { name: "ns", key: "secret" } },
    });
    expect((await runResourcePolicy(policy, r)).violations).toEqual([
      'container "nightscout": env API_SECRET looks sensitive but is not taken from a Secret (valueFrom.secretKeyRef with name and key).',
    ]);
  });

  it("does not treat names merely containing KEY as sensitive", async () => {
    const r = withEnv(nightscoutDeployment(), "MONKEYS", "3");
    expect((await runResourcePolicy(policy, r)).violations).toEqual([]);
  });

  it("reports a literal URI with a password", async () => {
    const r = withEnv(
      ferretdbDeployment(),
      "FERRETDB_POSTGRESQL_URL",
      "postgres://app:pw@postgres-rw:5432/postgres",
    );
    expect((await runResourcePolicy(policy, r)).violations).toEqual([
      'container "ferretdb": env FERRETDB_POSTGRESQL_URL is a literal URI with a password; deliver it with valueFrom.secretKeyRef.',
    ]);
    expect(hasCredentialUri("mongodb://user@host/db")).toBe(false);
  });

  it("reports credentials in args and in ConfigMaps", async () => {
    const r = withContainer(ferretdbDeployment(), "args", [
      "--postgresql-url=postgres://a:b@h/postgres",
    ]);
    expect((await runResourcePolicy(policy, r)).violations).toEqual([
      'container "ferretdb": args contains a URI with a password; read it from a Secret-backed env var.',
    ]);
    const cm = {
      type: "kubernetes:core/v1:ConfigMap",
      props: { data: { uri: "mongodb://u:p@ferretdb/ns", units: "mmol" } },
    };
    expect((await runResourcePolicy(policy, cm)).violations).toEqual([
      'ConfigMap key "uri" holds a URI with a password; put it in a Secret.',
    ]);
  });

  it("matches sensitive names without regard to case", async () => {
    const r = withEnv(nightscoutDeployment(), "db_password", "hunter2hunter2");
    expect((await runResourcePolicy(policy, r)).violations).toEqual([
      'container "nightscout": env db_password looks sensitive but is not taken from a Secret (valueFrom.secretKeyRef with name and key).',
    ]);
  });

  it("reports credentials in command, and passes credential-free arguments", async () => {
    const command = withContainer(ferretdbDeployment(), "command", [
      "/ferretdb",
      "--postgresql-url=postgres://a:b@h/postgres",
    ]);
    expect((await runResourcePolicy(policy, command)).violations).toEqual([
      'container "ferretdb": command contains a URI with a password; read it from a Secret-backed env var.',
    ]);
    const plain = withContainer(ferretdbDeployment(), "args", [
      "--listen-addr=:27017",
      "--postgresql-url=postgres://postgres-rw:5432/postgres",
    ]);
    expect((await runResourcePolicy(policy, plain)).violations).toEqual([]);
  });

  it("reads only strings: a list nested where a string belongs is not a literal", async () => {
    // Kubernetes refuses such a manifest; the policy judges no text it would never deliver.
    const nested = withContainer(ferretdbDeployment(), "args", [
      ["--postgresql-url=postgres://a:b@h/postgres"],
    ]);
    expect((await runResourcePolicy(policy, nested)).violations).toEqual([]);
    const cm = {
      type: "kubernetes:core/v1:ConfigMap",
      props: { data: { uri: ["mongodb://u:p@ferretdb/ns"] } },
    };
    expect((await runResourcePolicy(policy, cm)).violations).toEqual([]);
  });

  it("follows configured name patterns", async () => {
    const r = withEnv(nightscoutDeployment(), "PUSHOVER_API_KEY", "abc");
    expect(
      (await runResourcePolicy(policy, r, { sensitiveNamePatterns: ["PASSWORD"] })).violations,
    ).toEqual([]);
  });

  it("surfaces an unknown env value instead of passing", async () => {
    const r = withEnv(ferretdbDeployment(), "FERRETDB_POSTGRESQL_URL", UNKNOWN_STRING);
    const outcome = await runResourcePolicy(policy, r);
    expect(outcome.violations).toEqual([]);
    expect(outcome.unknown).toContain("can't be known during preview");
  });
});
