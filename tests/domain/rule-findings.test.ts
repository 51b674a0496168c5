/**
 * The catalogue's rules (domain/rules/) called directly, with a reader that names each field
 * by itself: the exact why and fix each finding gives, what a reader that cannot set a field
 * is offered, and where each rule starts to find something. The settings and the pack word
 * their messages from these findings, so a lost word here is a lost word in both.
 */
import {
  connectionBudget,
  databaseProtected,
  dbSizeWithinVolume,
  fixWithAlternative,
  imagePair,
  limitNotBelowRequest,
  limitsFor,
  minInstances,
  noSystemNamespace,
  tlsSecretOwnName,
  tlsSource,
  displayUnitsExplicit,
  type Vocabulary,
} from "../../domain";

function reader<F extends string>(): Vocabulary<F> {
  return { name: (f) => f, set: (f, v) => `set ${f} ${v}` };
}
function readOnly<F extends string>(): Vocabulary<F> {
  return { name: (f) => f, set: () => undefined };
}

describe("fixWithAlternative", () => {
  test("the fix, then the alternative in brackets with its joiner", () => {
    expect(fixWithAlternative("a", "b")).toBe("a (or b)");
    expect(fixWithAlternative("a", "b", "or else")).toBe("a (or else b)");
    expect(fixWithAlternative("a", undefined)).toBe("a");
  });
  test("without a fix the reader can act on, the alternative alone, or nothing", () => {
    expect(fixWithAlternative(undefined, "b")).toBe("b");
    expect(fixWithAlternative(undefined, undefined)).toBe("");
  });
});

describe("min-instances (fact 11)", () => {
  const check = (instances: number, environment: "production" | "staging") =>
    minInstances.check({ instances }, reader(), limitsFor(minInstances, environment));

  test("staging needs one instance, and its fix offers no other environment", () => {
    expect(check(1, "staging")).toEqual([]);
    expect(check(0, "staging")).toEqual([
      {
        field: "instances",
        value: "0",
        why: "a Cluster needs at least 1 PostgreSQL instance",
        fix: "set instances 1",
      },
    ]);
  });

  test("production needs three, or the stack is staging", () => {
    expect(check(3, "production")).toEqual([]);
    expect(check(2, "production")).toEqual([
      {
        field: "instances",
        value: "2",
        why: "production needs at least 3 PostgreSQL instances so losing one node loses no data",
        fix: "set instances 3 (or set environment staging)",
      },
    ]);
  });
});

describe("limit-not-below-request (fact 11)", () => {
  const check = (kind: "cpu" | "memory", request?: string, limit?: string) =>
    limitNotBelowRequest.check({ kind, request, limit }, reader(), {});

  test("a limit equal to its request holds, one below does not", () => {
    expect(check("memory", "64Mi", "64Mi")).toEqual([]);
    expect(check("memory", "64Mi", "63Mi")).toEqual([
      {
        field: "limit",
        value: "63Mi",
        why: "is below request (64Mi); the container would be killed before it reaches what it asked for",
        fix: "set limit 64Mi or more",
      },
    ]);
  });

  test("a CPU limit below its request is what the API server refuses", () =>
    expect(check("cpu", "100m", "99m")).toEqual([
      {
        field: "limit",
        value: "99m",
        why: "is below request (100m); the API server refuses a limit below the request",
        fix: "set limit 100m or more",
      },
    ]));

  test("without both a request and a limit there is nothing to compare", () => {
    expect(check("cpu", undefined, "1m")).toEqual([]);
    expect(check("cpu", "1", undefined)).toEqual([]);
  });
});

describe("tls-source (fact 34)", () => {
  test("either source is enough", () => {
    expect(tlsSource.check({ clusterIssuer: "letsencrypt-prod" }, reader(), {})).toEqual([]);
    expect(tlsSource.check({ secretName: "nightscout-tls" }, reader(), {})).toEqual([]);
  });

  test("with neither, the fix names both ways", () =>
    expect(tlsSource.check({}, reader(), {})).toEqual([
      {
        field: "clusterIssuer",
        value: undefined,
        why: "no TLS source: set a cert-manager ClusterIssuer or an existing TLS secret",
        fix: "set clusterIssuer letsencrypt-prod (or secretName <secret>)",
      },
    ]));
});

describe("tls-secret-own-name (fact 34)", () => {
  const check = (secretName: string, words: Vocabulary<"secretName" | "clusterName">) =>
    tlsSecretOwnName.check({ secretName, clusterName: "db" }, words, {});

  test("a name CloudNative-PG writes is refused, with the stack's usual name as the fix", () =>
    expect(check("db-ca", reader())).toEqual([
      {
        field: "secretName",
        value: "db-ca",
        why: "is the name of a Secret CloudNative-PG writes for the db Cluster; the certificate and that Secret would overwrite each other",
        fix: "set secretName nightscout-tls",
      },
    ]));

  test("a reader that cannot set the name gets an empty fix, never undefined", () =>
    expect(check("db-backup-s3", readOnly())[0]).toMatchObject({
      why: expect.stringContaining("a Secret this stack writes"),
      fix: "",
    }));
});

describe("display-units-explicit (fact 21)", () => {
  test("a word Nightscout reads some other way is named with what it reads", () =>
    expect(displayUnitsExplicit.check({ value: "mmol/L" }, reader(), {})).toEqual([
      {
        field: "value",
        value: "mmol/L",
        why: "is read by Nightscout as mmol/L, but only mmol and mg/dl say so unambiguously",
        fix: "set value mmol",
      },
    ]));

  test("a value without mmol is read as mg/dL, and the fix gives the word for it", () =>
    expect(displayUnitsExplicit.check({ value: "mg/dL" }, reader(), {})).toEqual([
      {
        field: "value",
        value: "mg/dL",
        why: "is read by Nightscout as mg/dL, but only mmol and mg/dl say so unambiguously",
        fix: "set value mg/dl",
      },
    ]));

  test("a reader that cannot set the value gets an empty fix, never undefined", () =>
    expect(displayUnitsExplicit.check({ value: undefined }, readOnly(), {})).toEqual([
      {
        field: "value",
        value: undefined,
        why: "is unset, so Nightscout shows mg/dL",
        fix: "",
      },
    ]));
});

describe("connection-budget (fact 17)", () => {
  test("each client's pods and pool are listed, joined by +", () => {
    const [finding] = connectionBudget.check(
      {
        clients: [
          { replicas: 2, surge: 1, pool: 20 },
          { replicas: 1, surge: 0, pool: 10 },
        ],
        maxConnections: 50,
        reserved: 13,
      },
      reader(),
      {},
    );
    expect(finding.why).toBe(
      "2 FerretDB replica(s) + 1 during a rollout, x 20 connections + 1 FerretDB replica(s) + 0 during a rollout, x 10 connections + 13 reserved exceeds maxConnections=50",
    );
    expect(finding.fix).toBe("lower poolSize to at most 9, or raise maxConnections");
  });

  test("no pods hold no connections, even when the reserved ones alone do not fit", () =>
    expect(
      connectionBudget.check(
        { clients: [{ replicas: 0, surge: 0, pool: 20 }], maxConnections: 10, reserved: 13 },
        reader(),
        {},
      ),
    ).toEqual([]));
});

describe("dbsize-within-volume (fact 29)", () => {
  test("0 means derived from the volume, never a finding, whatever the volume", () =>
    expect(
      dbSizeWithinVolume.check({ dbSizeMaxMiB: 0, volumeMiB: 0, volume: "0Mi" }, reader(), {}),
    ).toEqual([]));
});

describe("image-pair (fact 1)", () => {
  test("an unreadable FerretDB tag is not a step of an upgrade", () => {
    const findings = imagePair.check(
      {
        postgresImage: "ghcr.io/ferretdb/postgres-documentdb:17-0.107.0-ferretdb-2.7.0",
        ferretdbImage: "ghcr.io/ferretdb/ferretdb:main",
      },
      reader(),
      {},
    );
    expect(findings).toEqual([
      expect.objectContaining({ kind: "ferretdbTagUnreadable", duringUpgrade: false }),
    ]);
  });

  test("a postgres image built for the FerretDB before this one is a step of an upgrade", () => {
    // 2.3.0 and 2.3.1 pair with the same DocumentDB: the images were upgraded one at a time.
    expect(
      imagePair.check(
        {
          postgresImage: "ghcr.io/ferretdb/postgres-documentdb:17-0.104.0-ferretdb-2.3.0",
          ferretdbImage: "ghcr.io/ferretdb/ferretdb:2.3.1",
        },
        reader(),
        {},
      ),
    ).toEqual([
      {
        field: "ferretdbImage",
        value: "ghcr.io/ferretdb/ferretdb:2.3.1",
        why: "postgresImage was built for FerretDB 2.3.0",
        fix: "use ghcr.io/ferretdb/ferretdb:2.3.0 or the matching postgres-documentdb tag",
        kind: "builtForOtherFerretdb",
        duringUpgrade: true,
      },
    ]);
  });
});

describe("no-system-namespace (fact 35)", () => {
  test("the fix is another namespace, or knowingly allowing this one", () => {
    const check = (namespace: string, allowSystemNamespace: boolean) =>
      noSystemNamespace.check({ namespace, allowSystemNamespace }, reader(), {
        allowSystemNamespace: false,
      });
    expect(check("nightscout", false)).toEqual([]);
    expect(check("kube-system", true)).toEqual([]);
    expect(check("kube-system", false)).toEqual([
      {
        field: "namespace",
        value: "kube-system",
        why: "is a namespace the cluster's own workloads use; the stack's default-deny NetworkPolicy would cut them off",
        fix: "set namespace nightscout (or, knowing the risk, set allowSystemNamespace true)",
      },
    ]);
  });
});

describe("database-protected (fact 39)", () => {
  test("only production requires it; the fix protects it or makes the stack staging", () => {
    const check = (protect: boolean, environment: "production" | "staging") =>
      databaseProtected.check({ protect }, reader(), limitsFor(databaseProtected, environment));
    expect(check(false, "staging")).toEqual([]);
    expect(check(true, "production")).toEqual([]);
    expect(check(false, "production")).toEqual([
      {
        field: "protect",
        value: "false",
        why: "production's database must be protected from deletion and replacement",
        fix: "set protect true (or set environment staging)",
      },
    ]);
  });
});
