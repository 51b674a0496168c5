import { expectOneProblem, parse, problems, WITH_BACKUP, nightscoutEnv } from "./helpers";

/** A production stack that passes: three instances, protected, backed up. */
const PRODUCTION = { environment: "production", postgresInstances: "3", ...WITH_BACKUP };

describe("productionRule: what the pack requires of production, refused without the pack", () => {
  test("a complete production stack passes", () =>
    expect(parse(PRODUCTION).postgres).toMatchObject({ instances: 3, protect: true }));
  test("production is the default environment", () =>
    expect(problems({ environment: undefined }).map((p) => p.split(" = ")[0])).toEqual([
      "nightscout:postgresInstances",
      "nightscout:backupDestinationPath",
    ]));
  test("three instances", () =>
    expectOneProblem(
      { ...PRODUCTION, postgresInstances: "1" },
      "postgresInstances",
      /at least 3/,
      /environment staging/,
    ));
  test("a protected database", () =>
    expectOneProblem(
      { ...PRODUCTION, protectDatabase: "false" },
      "protectDatabase",
      /must be protected/,
    ));
  test("backups", () =>
    expectOneProblem(
      { environment: "production", postgresInstances: "3" },
      "backupDestinationPath",
      /production needs backups/,
    ));
  test("public glucose data needs its own acknowledgement", () => {
    expectOneProblem(
      { ...PRODUCTION, authDefaultRoles: '["readable"]' },
      "authDefaultRoles",
      /read every glucose value/,
      /acknowledgePublicGlucoseData true/,
    );
    expect(
      nightscoutEnv(
        parse({
          ...PRODUCTION,
          authDefaultRoles: '["readable"]',
          acknowledgePublicGlucoseData: "true",
        }),
      ).AUTH_DEFAULT_ROLES,
    ).toBe("readable");
  });
  test("a role list refused for an unknown role is not judged again for what it grants", () =>
    expectOneProblem(
      { ...PRODUCTION, authDefaultRoles: '["readable","nobody"]' },
      "authDefaultRoles",
      /names unknown roles: nobody/,
      /--path 'authDefaultRoles\[0\]' status-only/,
    ));
  test("staging may run public, single-instance and unprotected", () =>
    expect(
      parse({ authDefaultRoles: '["readable"]', protectDatabase: "false" }).namespace
        .retainOnDelete,
    ).toBe(false));
});

describe("systemNamespaceRule", () => {
  test.each(["kube-system", "default", "kube-public", "kube-node-lease"])(
    "%s is refused",
    (namespace) =>
      expectOneProblem(
        // The ingress controller elsewhere: kube-system is its default (namespacesDistinctRule).
        { namespace, createNamespace: "false", ingressControllerNamespace: "ingress" },
        "namespace",
        /default-deny NetworkPolicy/,
        /allowSystemNamespace true/,
      ),
  );
  test("unless the dedicated setting says so", () =>
    expect(parse({ namespace: "default", allowSystemNamespace: "true" }).namespace.name).toBe(
      "default",
    ));
});

describe("anonymous roles that write are refused in production (fact 26, issue 20)", () => {
  test.each([
    ["careportal", /enter insulin and carbs \(careportal\)/],
    ["admin", /administer the site \(admin\)/],
    ["devicestatus-upload", /use devicestatus-upload/],
  ])("%s", (role, why) =>
    expectOneProblem(
      { ...PRODUCTION, authDefaultRoles: JSON.stringify(["status-only", role]) },
      "authDefaultRoles",
      why,
      /pulumi config set authDefaultRoles '\["status-only"\]' \(or give caregivers who must write their own token instead\)/,
    ),
  );
  test("read-only roles pass in production; staging may try a writing one", () => {
    expect(parse({ ...PRODUCTION, authDefaultRoles: '["denied"]' }).nightscout).toBeDefined();
    expect(() => parse({ authDefaultRoles: '["careportal"]' })).not.toThrow();
  });
});

describe("namespacesDistinctRule: the stack's namespace is none its neighbours run in", () => {
  test.each([
    ["cnpgOperatorNamespace", "the CloudNative-PG operator", /every cluster it manages/],
    ["ingressControllerNamespace", "the ingress controller", /every ingress in the cluster/],
  ] as const)("equal to %s is refused", (key, part, lost) =>
    expectOneProblem(
      { namespace: "shared", [key]: "shared" },
      "namespace",
      new RegExp(`is also ${key}, where ${part} runs`),
      lost,
      new RegExp(
        `pulumi config set namespace nightscout \\(or, if it runs elsewhere, pulumi config set ${key} <the namespace ${part} runs in>\\)`,
      ),
    ),
  );
  test("one letter apart passes", () =>
    expect(
      parse({ namespace: "cnpg-system2", cnpgOperatorNamespace: "cnpg-system" }).namespace.name,
    ).toBe("cnpg-system2"));
  test("Prometheus's namespace counts only with monitoring on", () => {
    expectOneProblem(
      { namespace: "monitoring", monitoring: "true" },
      "namespace",
      /is also monitoringNamespace, where Prometheus runs.*alerts would fire forever/,
    );
    expect(parse({ namespace: "monitoring" }).namespace.name).toBe("monitoring");
  });
  test("every clash is reported at once", () =>
    expect(
      problems({
        namespace: "ops",
        cnpgOperatorNamespace: "ops",
        ingressControllerNamespace: "ops",
        monitoring: "true",
        monitoringNamespace: "ops",
      }).filter((p) => p.startsWith("nightscout:namespace = ")),
    ).toHaveLength(3));
  test.each(["cnpgOperatorNamespace", "ingressControllerNamespace"])(
    "%s must be a DNS label, as namespaces are",
    (key) => expectOneProblem({ [key]: "CNPG.System" }, key, /not a valid namespace name/),
  );
});

describe("memoryLimitRule", () => {
  test("a limit below the request", () =>
    expectOneProblem(
      { postgresMemoryLimit: "256Mi" },
      "postgresMemoryLimit",
      /below postgresMemoryRequest \(384Mi\)/,
      /384Mi or more/,
    ));
  test("a memory limit below the request is refused for what it does to the container", () =>
    expect(problems({ nightscoutMemoryLimit: "128Mi" })).toEqual([
      'nightscout:nightscoutMemoryLimit = "128Mi": is below nightscoutMemoryRequest (256Mi); the container would be killed before it reaches what it asked for. Fix: pulumi config set nightscoutMemoryLimit 256Mi or more',
    ]));
  test("a limit equal to the request passes", () =>
    expect(parse({ nightscoutMemoryLimit: "256Mi" }).nightscout.resources.memoryLimit).toBe(
      "256Mi",
    ));
});

describe("undeclared keys in the project's namespace", () => {
  test("a typo is named with the setting it probably meant", () => {
    const found = problems({ hostnme: "ns.example.org" });
    expect(found).toEqual([
      "nightscout:hostnme: is not a setting of this project, so it would be ignored. Fix: did you mean hostname? Rename the key to nightscout:hostname in the stack file",
    ]);
  });
  test("a key with no near setting", () =>
    expect(problems({ frobnicate: "1" })[0]).toMatch(/Fix: pulumi config rm frobnicate$/));
});
