import {
  DEFAULT_CHECK_DEADLINE_SECONDS,
  DOCUMENTDB_SWITCHES,
  FERRETDB_ROLLOUT_SURGE,
  POOL_SIZE_ANNOTATION,
  ferretDbConnectionBudget,
  parseQuantity,
} from "../../domain";
import { SECRET_OUTPUTS } from "../../outputs";
import { expectNoSecret } from "./leaks";
import { describeNetworkInvariants } from "./network-invariants";
import {
  Props,
  T,
  containerOf,
  env,
  kubernetesObjects,
  manifestValidator,
  secretValues,
  useProgram,
} from "./program";

type Program = ReturnType<typeof useProgram>;

/**
 * CPU and memory requests are quantities above zero and the memory limit is at least the
 * memory request (the API server refuses a limit below it). Names the pod and shows its
 * resources when it fails.
 */
function expectSized(where: string, resources: Props | undefined) {
  const cpu = parseQuantity(resources?.requests?.cpu) ?? NaN;
  const memory = parseQuantity(resources?.requests?.memory) ?? NaN;
  const memoryLimit = parseQuantity(resources?.limits?.memory) ?? NaN;
  const holds = {
    cpuRequestAboveZero: cpu > 0,
    memoryRequestAboveZero: memory > 0,
    memoryLimitCoversRequest: memoryLimit >= memory,
  };
  expect({ where, resources, holds }).toEqual({
    where,
    resources,
    holds: {
      cpuRequestAboveZero: true,
      memoryRequestAboveZero: true,
      memoryLimitCoversRequest: true,
    },
  });
}

/** What must hold for every stack: the domain facts the program encodes, secrets, schemas. */
export function describeProgramInvariants(
  program: Program,
  expected: { namespace: string; hostname: string },
) {
  const { props, ofType, resources } = program;
  const cluster = () => props(T.cluster, "postgres-cluster");
  const ferretdb = () => props(T.deployment, "ferretdb-deployment");
  const nightscout = () => props(T.deployment, "nightscout-deployment");

  describe("PostgreSQL cluster (facts 1-6)", () => {
    test("fact 1: the DocumentDB image is pinned to a full tag that pairs with FerretDB", () => {
      expect(cluster().spec.imageName).toBe(
        "ghcr.io/ferretdb/postgres-documentdb:17-0.107.0-ferretdb-2.7.0",
      );
      expect(containerOf(ferretdb()).image).toBe("ghcr.io/ferretdb/ferretdb:2.7.0");
    });
    test("fact 2: postgres runs as 999", () => {
      expect(cluster().spec.postgresUID).toBe(999);
      expect(cluster().spec.postgresGID).toBe(999);
    });
    test("fact 3: preload libraries and cron database are declared", () => {
      expect(cluster().spec.postgresql.shared_preload_libraries).toEqual([
        "pg_cron",
        "pg_documentdb_core",
        "pg_documentdb",
      ]);
      expect(cluster().spec.postgresql.parameters["cron.database_name"]).toBe("postgres");
    });
    test("fact 5: DocumentDB's internal connections go over the socket, mapped to the app role", () => {
      const pg = cluster().spec.postgresql;
      expect(pg.parameters["cron.host"]).toBe("/controller/run");
      expect(pg.parameters["documentdb.localhost_connection_string"]).toBe(
        "host=/controller/run user=postgres",
      );
      // CNPG's own first rule decides socket connections: the app role goes in its local map.
      expect(pg.pg_ident).toEqual(["local postgres nightscout"]);
      expect(pg.pg_hba).toBeUndefined();
    });
    test("fact 38: the image's DocumentDB switches are declared, since CNPG does not read its config", () => {
      const { parameters } = cluster().spec.postgresql;
      for (const [name, value] of Object.entries(DOCUMENTDB_SWITCHES)) {
        expect([name, parameters[name]]).toEqual([name, value]);
      }
    });
    test("fact 6: superuser access is enabled", () => {
      expect(cluster().spec.enableSuperuserAccess).toBe(true);
    });
    test("fact 17: max_connections is set and the FerretDB pools fit in it", () => {
      const max = Number(cluster().spec.postgresql.parameters.max_connections);
      const pool = Number(ferretdb().metadata.annotations[POOL_SIZE_ANNOTATION]);
      const surge = ferretdb().spec.strategy.rollingUpdate.maxSurge;
      expect(max).toBe(100);
      expect(surge).toBe(FERRETDB_ROLLOUT_SURGE);
      expect(ferretDbConnectionBudget(ferretdb().spec.replicas, pool, max, surge).fits).toBe(true);
    });
    test("other resources wait for the cluster to be Ready", () => {
      expect(cluster().metadata.annotations["pulumi.com/waitFor"]).toBe("condition=Ready");
    });
    test("the app role's password comes from a generated, URI-safe secret", () => {
      const password = props(T.password, "postgres-app-password");
      expect(password).toMatchObject({ length: 32, special: false });
      const secretName =
        cluster().spec.bootstrap.initdb?.secret?.name ??
        cluster().spec.bootstrap.recovery?.secret?.name;
      const secret = ofType(T.secret).find((s) => (s.props as Props).metadata.name === secretName);
      expect((secret!.props as Props).type).toBe("kubernetes.io/basic-auth");
      expect((secret!.props as Props).stringData.username).toBe("nightscout");
    });
  });

  describe("FerretDB (facts 12-17)", () => {
    test("fact 13: the PostgreSQL URL comes from a Secret and points at the -rw service, database postgres", () => {
      const url = env(containerOf(ferretdb())).FERRETDB_POSTGRESQL_URL;
      expect(url.value).toBeUndefined();
      const secretName = url.valueFrom.secretKeyRef.name;
      const secret = ofType(T.secret).find((s) => (s.props as Props).metadata.name === secretName)!
        .props as Props;
      expect(secret.stringData.FERRETDB_POSTGRESQL_URL).toMatch(
        new RegExp(
          `^postgres://nightscout:[^@]+@nightscout-db-rw\\.${expected.namespace}\\.svc\\.cluster\\.local:5432/postgres\\?pool_max_conns=20$`,
        ),
      );
    });
    test("fact 14: telemetry is off", () => {
      expect(env(containerOf(ferretdb())).FERRETDB_TELEMETRY.value).toBe("disable");
    });
    test("fact 16: startup, readiness on /debug/readyz and liveness on /debug/livez", () => {
      const c = containerOf(ferretdb());
      expect(c.startupProbe.httpGet.path).toBe("/debug/readyz");
      expect(c.readinessProbe.httpGet.path).toBe("/debug/readyz");
      expect(c.livenessProbe.httpGet.path).toBe("/debug/livez");
      const debugPort = c.ports.find((p: Props) => p.name === "debug");
      expect(debugPort.containerPort).toBe(8088);
      expect(c.startupProbe.periodSeconds * c.startupProbe.failureThreshold).toBeGreaterThanOrEqual(
        300,
      );
    });
    test("fact 12: /state is writable under a read-only root filesystem", () => {
      const c = containerOf(ferretdb());
      expect(c.securityContext.readOnlyRootFilesystem).toBe(true);
      expect(c.volumeMounts).toContainEqual({ name: "state", mountPath: "/state" });
      expect(ferretdb().spec.template.spec.securityContext.runAsUser).toBe(1000);
    });
    test("the Service exposes the MongoDB port", () => {
      const svc = props(T.service, "ferretdb-service");
      expect(svc.spec.ports).toEqual([{ name: "mongodb", port: 27017, targetPort: "mongodb" }]);
      expect(svc.spec.selector).toEqual(ferretdb().spec.selector.matchLabels);
    });
  });

  describe("Nightscout (facts 18-32)", () => {
    test("fact 20: API_SECRET and the MongoDB URI come from a Secret", () => {
      const e = env(containerOf(nightscout()));
      for (const name of ["API_SECRET", "MONGODB_URI"]) {
        expect(e[name].value).toBeUndefined();
        expect(e[name].valueFrom.secretKeyRef.key).toBe(name);
      }
    });
    // Fact 37: no query string at all, so no authMechanism for Nightscout's old URI parser to crash on.
    test("facts 19 and 37: the MongoDB URI names the database, points at FerretDB, has no options", () => {
      const secret = props(T.secret, "nightscout-secrets");
      expect(secret.stringData.MONGODB_URI).toMatch(
        new RegExp(
          `^mongodb://nightscout:[^@]+@ferretdb\\.${expected.namespace}\\.svc\\.cluster\\.local:27017/nightscout$`,
        ),
      );
      expect(secret.stringData.API_SECRET).toBe("test-api-secret-0123456789");
    });
    test("fact 18: the Nightscout image is pinned to 15.0.7", () => {
      expect(containerOf(nightscout()).image).toBe("nightscout/cgm-remote-monitor:15.0.7");
      expect(containerOf(nightscout()).ports).toEqual([{ name: "http", containerPort: 1337 }]);
    });
    test("fact 23: yes/no settings use only on, true, off or false", () => {
      const e = env(containerOf(nightscout()));
      const yesNo = Object.values(e).filter((v) =>
        /^(yes|no|on|off|true|false|1|0|y|n)$/i.test(v.value ?? ""),
      );
      expect(yesNo.length).toBeGreaterThan(0);
      for (const v of yesNo) expect(["on", "true", "off", "false"]).toContain(v.value);
    });
    test("fact 15: FerretDB authenticates clients: the MongoDB URI carries the role's credentials", () => {
      expect(env(containerOf(ferretdb())).FERRETDB_AUTH).toBeUndefined(); // default: on
      expect(props(T.secret, "nightscout-secrets").stringData.MONGODB_URI).toMatch(
        /^mongodb:\/\/nightscout:[^@]+@/,
      );
    });
    test("fact 21: units are mmol/L", () => {
      expect(env(containerOf(nightscout())).DISPLAY_UNITS.value).toBe("mmol");
    });
    test("fact 24: HOSTNAME binds every interface", () => {
      expect(env(containerOf(nightscout())).HOSTNAME.value).toBe("0.0.0.0");
    });
    test("fact 26: visitors see status only", () => {
      expect(env(containerOf(nightscout())).AUTH_DEFAULT_ROLES.value).toBe("status-only");
    });
    test("facts 25-27: probes hit /api/v1/verifyauth as if through the TLS proxy, with a long startup budget", () => {
      const c = containerOf(nightscout());
      for (const probe of [c.startupProbe, c.readinessProbe, c.livenessProbe]) {
        expect(probe.httpGet.path).toBe("/api/v1/verifyauth");
        expect(probe.httpGet.httpHeaders).toContainEqual({
          name: "X-Forwarded-Proto",
          value: "https",
        });
      }
      expect(c.startupProbe.periodSeconds * c.startupProbe.failureThreshold).toBeGreaterThanOrEqual(
        600,
      );
    });
    test("fact 28: one replica, Recreate", () => {
      expect(nightscout().spec.replicas).toBe(1);
      expect(nightscout().spec.strategy).toEqual({ type: "Recreate" });
    });
    test("facts 29-31: DBSIZE_MAX, SHOW_PLUGINS and BASE_URL are explicit", () => {
      const e = env(containerOf(nightscout()));
      expect(Number(e.DBSIZE_MAX.value)).toBeGreaterThan(496);
      expect(e.SHOW_PLUGINS.value.split(" ")).toContain("careportal");
      for (const shown of e.SHOW_PLUGINS.value.split(" "))
        expect(e.ENABLE.value.split(" ")).toContain(shown);
      expect(e.BASE_URL.value).toBe(`https://${expected.hostname}`);
    });
    test("fact 22: ALARM_TYPES is explicit", () => {
      expect(env(containerOf(nightscout())).ALARM_TYPES.value).toBe("simple");
    });
    test("fact 32: read-only root filesystem with a writable /tmp", () => {
      const c = containerOf(nightscout());
      expect(c.securityContext.readOnlyRootFilesystem).toBe(true);
      expect(c.volumeMounts).toContainEqual({ name: "tmp", mountPath: "/tmp" });
    });
  });

  describeNetworkInvariants(program, expected);

  describe("every pod", () => {
    test("meets the restricted profile; requests are above zero, the memory limit covers its request", () => {
      for (const d of ofType(T.deployment)) {
        const spec = (d.props as Props).spec.template.spec;
        expect(spec.securityContext).toMatchObject({
          runAsNonRoot: true,
          seccompProfile: { type: "RuntimeDefault" },
        });
        for (const c of spec.containers) {
          expect(c.securityContext).toMatchObject({
            allowPrivilegeEscalation: false,
            runAsNonRoot: true,
            capabilities: { drop: ["ALL"] },
            seccompProfile: { type: "RuntimeDefault" },
          });
          expectSized(`${d.name}/${c.name}`, c.resources);
        }
      }
      expectSized("postgres-cluster", cluster().spec.resources);
    });
  });

  describe("secrets", () => {
    test("no secret value is a literal container env value or sits outside a Secret", () => {
      const secrets = secretValues(resources());
      for (const r of resources()) {
        if (r.type === T.secret || r.type === T.password || !r.custom) continue;
        // The post-deploy check gets the URI through its environment, a secret input
        // (tests/components/post-deploy-check.test.ts asserts its secrecy); nowhere else may it appear.
        const checked = r.type === T.command ? { ...r.props, environment: undefined } : r.props;
        expectNoSecret(checked, secrets, r.name);
      }
    });
    test("outputs holding credentials are secret, the others are not", async () => {
      for (const name of Object.keys(program.outputs())) {
        const { value, secret } = await program.output(name);
        expect({ name, secret }).toEqual({ name, secret: SECRET_OUTPUTS.includes(name as never) });
        if (!secret) expectNoSecret(value, secretValues(resources()), `outputs.${name}`);
      }
    });
    test("components record no inputs, so no secret lands in their state", () => {
      for (const r of resources().filter((r) => !r.custom && r.type.startsWith("nightscout:"))) {
        expect(r.props).toEqual({});
      }
    });
  });

  describe("post-deploy check", () => {
    test("port-forwards to the FerretDB Service after FerretDB and Nightscout are ready", () => {
      const check = program.one(T.command, "post-deploy-check-run");
      const environment = (check.props as Props).environment;
      expect(environment).toMatchObject({
        CHECK_PF_NAMESPACE: expected.namespace,
        CHECK_PF_SERVICE: props(T.service, "ferretdb-service").metadata.name,
        CHECK_PF_SERVICE_PORT: "27017",
        CHECK_DEADLINE_MS: String(DEFAULT_CHECK_DEADLINE_SECONDS * 1000),
      });
      expect(environment.MONGODB_URI).toBe(
        props(T.secret, "nightscout-secrets").stringData.MONGODB_URI,
      );
      expect((check.props as Props).create).not.toContain("mongodb://");
      expect(check.opts.dependsOn).toEqual(
        expect.arrayContaining([
          program.one(T.deployment, "ferretdb-deployment").urn,
          program.one(T.deployment, "nightscout-deployment").urn,
        ]),
      );
    });
    test("re-runs when FerretDB, Nightscout or the PostgreSQL image change", () => {
      const triggers = (program.one(T.command, "post-deploy-check-run").props as Props).triggers;
      expect(triggers).toEqual([ferretdb().spec, nightscout().spec, cluster().spec.imageName]);
    });
  });

  describe("outputs contract", () => {
    test("exports the documented outputs", async () => {
      expect(Object.keys(program.outputs()).sort()).toEqual(
        [
          "accessLinks",
          "backupsEnabled",
          "displayUnits",
          "ferretdbHost",
          "ferretdbPort",
          "mongoUri",
          "namespace",
          "nightscoutService",
          "postgresClusterName",
          "postgresReadWriteHost",
          "url",
        ].sort(),
      );
      expect((await program.output("namespace")).value).toBe(expected.namespace);
      expect((await program.output("url")).value).toBe(`https://${expected.hostname}`);
      expect((await program.output("ferretdbHost")).value).toBe(
        `ferretdb.${expected.namespace}.svc.cluster.local`,
      );
      expect((await program.output("ferretdbPort")).value).toBe(27017);
      // No access declared in the stack files: nothing managed, nothing to hand over.
      expect((await program.output("accessLinks")).value).toEqual({});
      expect((await program.output("nightscoutService")).value).toEqual({
        name: "nightscout",
        port: 80,
      });
      expect((await program.output("postgresReadWriteHost")).value).toBe(
        `nightscout-db-rw.${expected.namespace}.svc.cluster.local`,
      );
      expect((await program.output("displayUnits")).value).toBe("mmol/L");
    });
  });

  describe("structure", () => {
    test("every Kubernetes object goes through the stack's provider, parented to a component", () => {
      for (const r of kubernetesObjects(resources())) {
        expect({ name: r.name, parent: r.opts.parent }).toEqual({
          name: r.name,
          parent: expect.stringMatching(/\$nightscout:[a-z]+:[A-Za-z]+::/),
        });
      }
      // What the engine was asked: the provider each object is registered with.
      const provider = `${program.one(T.provider, "k8s").urn}::k8s-id`;
      const objects = program
        .registrations()
        .filter((r) => r.custom && r.type.startsWith("kubernetes:"));
      expect(objects.length).toBe(kubernetesObjects(resources()).length);
      for (const r of objects) {
        expect({ name: r.name, provider: r.provider }).toEqual({ name: r.name, provider });
      }
    });
    test("child names carry their component's name", () => {
      const children = resources().filter((r) => r.opts.parent?.includes("$nightscout:"));
      expect(children.length).toBeGreaterThan(10);
      for (const r of children) {
        const parentName = r.opts.parent!.split("::").pop()!;
        expect({ name: r.name, prefixed: r.name.startsWith(`${parentName}-`) }).toEqual({
          name: r.name,
          prefixed: true,
        });
      }
    });
    test("every object is in the stack's namespace", () => {
      for (const r of kubernetesObjects(resources())) {
        const meta = (r.props as Props).metadata;
        if (r.type === T.namespace) expect(meta.name).toBe(expected.namespace);
        else expect(meta.namespace).toBe(expected.namespace);
      }
    });
    test("every Kubernetes object validates strictly against its schema", () => {
      const problems = kubernetesObjects(resources()).flatMap((r) =>
        manifestValidator().validate(r.props as Props),
      );
      expect(problems).toEqual([]);
    });
  });
}
