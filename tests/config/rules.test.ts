import { Settings } from "../../config/read";
import { enforceOnSettings, rulesEnforcedOnSettings } from "../../config/rules/catalogue";
import { rule } from "../../domain/rules/rule";
import { expectOneProblem, parse, problems, VALID, WITH_BACKUP, nightscoutEnv } from "./helpers";

describe("thresholdsRule (fact 22)", () => {
  const MMOL = { bgLow: "3.5", bgTargetBottom: "3.9", bgTargetTop: "10", bgHigh: "13.9" };
  test("mmol/L thresholds render with one decimal", () =>
    expect(nightscoutEnv(parse(MMOL))).toMatchObject({
      BG_LOW: "3.5",
      BG_TARGET_BOTTOM: "3.9",
      BG_TARGET_TOP: "10.0",
      BG_HIGH: "13.9",
    }));
  test("mg/dL thresholds render as whole numbers", () =>
    expect(
      nightscoutEnv(
        parse({
          displayUnits: "mg/dL",
          bgLow: "55",
          bgTargetBottom: "70",
          bgTargetTop: "180",
          bgHigh: "250",
        }),
      ),
    ).toMatchObject({ DISPLAY_UNITS: "mg/dl", BG_LOW: "55", BG_HIGH: "250" }));
  test("all four or none", () =>
    expectOneProblem(
      { bgHigh: "13.9" },
      "bgLow",
      /unset while bgHigh is set/,
      /set all four thresholds/,
    ));
  test("range in the display unit, naming the other unit and the converted value", () =>
    expectOneProblem(
      { ...MMOL, bgLow: "70" },
      "bgLow",
      /"70"/,
      /from 2 to 27 mmol\/L \(it looks like mg\/dL/,
      /pulumi config set bgLow 3.9$/,
    ));
  test("mg/dL values are checked in mg/dL", () =>
    expectOneProblem(
      {
        displayUnits: "mg/dL",
        bgLow: "3.9",
        bgTargetBottom: "70",
        bgTargetTop: "180",
        bgHigh: "250",
      },
      "bgLow",
      /from 36 to 486 mg\/dL/,
    ));
  test("must rise low < bottom < top < high", () =>
    expectOneProblem({ ...MMOL, bgLow: "4.5" }, "bgLow", /must be below bgTargetBottom \(3.9\)/));
  test("the floor is the policy pack's: 35 mg/dL is refused, 36 accepted", () => {
    const MGDL = { displayUnits: "mg/dL", bgTargetBottom: "70", bgTargetTop: "180", bgHigh: "250" };
    expectOneProblem({ ...MGDL, bgLow: "35" }, "bgLow", /from 36 to 486 mg\/dL/);
    expect(nightscoutEnv(parse({ ...MGDL, bgLow: "36" })).BG_LOW).toBe("36");
  });
  test("not a number", () => expectOneProblem({ ...MMOL, bgLow: "low" }, "bgLow", /"low"/));
});

describe("shownPluginsEnabledRule and tlsSourceRule", () => {
  test("shown plugins must be enabled (fact 30)", () =>
    expectOneProblem(
      { enabledPlugins: '["careportal"]', showPlugins: '["careportal","iob"]' },
      "showPlugins",
      /not enabled: iob/,
    ));
  test("the fix names both plugin settings", () =>
    expect(
      problems({ enabledPlugins: '["careportal"]', showPlugins: '["careportal","iob"]' }),
    ).toEqual([
      'nightscout:showPlugins = "[\\"careportal\\",\\"iob\\"]": shows plugins that are not enabled: iob. Fix: add them to enabledPlugins or remove them from showPlugins',
    ]));
  test("a TLS source is required", () =>
    expectOneProblem({ tlsClusterIssuer: undefined }, "tlsClusterIssuer", /no TLS source/));
  test("the missing TLS source's fix names both ways to give one", () =>
    expect(problems({ tlsClusterIssuer: undefined })).toEqual([
      "nightscout:tlsClusterIssuer = undefined: no TLS source: set a cert-manager ClusterIssuer or an existing TLS secret. Fix: pulumi config set tlsClusterIssuer letsencrypt-prod (or tlsSecretName <secret>)",
    ]));
  test("an existing TLS secret is enough", () =>
    expect(
      parse({ tlsClusterIssuer: undefined, tlsSecretName: "wildcard-tls" }).nightscout.ingress
        .tlsSecretName,
    ).toBe("wildcard-tls"));
});

describe("imagePairingRule (fact 1)", () => {
  test("FerretDB and DocumentDB versions must pair", () =>
    expectOneProblem(
      { ferretdbImage: "ghcr.io/ferretdb/ferretdb:2.5.0" },
      "ferretdbImage",
      /FerretDB 2.5.0 works with DocumentDB 0.106.0, but postgresImage carries DocumentDB 0.107.0/,
      /upgrade both as a pair/,
    ));
  test("during an upgrade a mismatched pair is a warning, not an error", () => {
    const c = parse({
      upgradeInProgress: "true",
      postgresImage: "ghcr.io/ferretdb/postgres-documentdb:17-0.107.0-ferretdb-2.7.0",
      ferretdbImage: "ghcr.io/ferretdb/ferretdb:2.5.0",
    });
    expect(c.warnings).toHaveLength(1);
    expect(c.warnings[0]).toMatch(
      /nightscout:ferretdbImage: FerretDB 2.5.0 works with DocumentDB 0.106.0.*upgradeInProgress/,
    );
    expect(parse().warnings).toEqual([]);
  });
  test("an upgrade does not excuse a malformed image tag", () =>
    expectOneProblem(
      { upgradeInProgress: "true", postgresImage: "postgres:17" },
      "postgresImage",
      /<pg>-<documentdb>-ferretdb-<ferretdb>/,
    ));
  test("postgresImage must be a postgres-documentdb tag", () =>
    expectOneProblem(
      { postgresImage: "ghcr.io/cloudnative-pg/postgresql:17.2" },
      "postgresImage",
      /<pg>-<documentdb>-ferretdb-<ferretdb>/,
    ));
  test("postgresImage must be PostgreSQL 17", () =>
    expectOneProblem(
      { postgresImage: "ghcr.io/ferretdb/postgres-documentdb:16-0.107.0-ferretdb-2.7.0" },
      "postgresImage",
      /PostgreSQL 16/,
    ));
  test("an unknown FerretDB release is refused", () =>
    expectOneProblem(
      { ferretdbImage: "ghcr.io/ferretdb/ferretdb:2.6.0" },
      "ferretdbImage",
      /not a known v2 release/,
    ));
  test("the image built for another FerretDB is refused", () =>
    expectOneProblem(
      {
        postgresImage: "ghcr.io/ferretdb/postgres-documentdb:17-0.104.0-ferretdb-2.3.0",
        ferretdbImage: "ghcr.io/ferretdb/ferretdb:2.3.1",
      },
      "ferretdbImage",
      /built for FerretDB 2.3.0/,
    ));
});

describe("connectionBudgetRule (fact 17)", () => {
  test("FerretDB pools must fit max_connections at the peak of a rollout", () =>
    expectOneProblem(
      { ferretdbReplicas: "3", ferretdbPoolSize: "50" },
      "ferretdbPoolSize",
      /3 FerretDB replica\(s\) \+ 1 during a rollout, x 50 connections \+ 13 reserved exceeds postgresMaxConnections=100/,
      /at most 21/,
    ));
  test("the suggested pool size fits", () =>
    expect(parse({ ferretdbReplicas: "3", ferretdbPoolSize: "21" }).ferretdb.poolSize).toBe(21));
  test("no follow-on problem from an invalid number", () =>
    expectOneProblem(
      { ferretdbReplicas: "many", ferretdbPoolSize: "500" },
      "ferretdbReplicas",
      /whole number/,
    ));
});

describe("backupRule and restoreRule", () => {
  test("backups need credentials", () => {
    const found = problems({ backupDestinationPath: "s3://b/p" });
    expect(found).toHaveLength(2);
    expect(found[0]).toMatch(
      /nightscout:backupAccessKeyId = \(secret\): is required when backupDestinationPath is set/,
    );
    expect(found[1]).toMatch(/nightscout:backupSecretAccessKey/);
  });
  test("credentials without a path are an error", () =>
    expectOneProblem(
      { backupAccessKeyId: "AKID" },
      "backupDestinationPath",
      /unset while backupAccessKeyId is set/,
    ));
  test("retention is a number of days, weeks or months", () =>
    expectOneProblem(
      { ...WITH_BACKUP, backupRetention: "30 days" },
      "backupRetention",
      /number followed by d, w or m/,
    ));
  test("a restore defaults to the backup store's path", () => {
    const c = parse({
      ...WITH_BACKUP,
      postgresClusterName: "nightscout-db-2",
      restoreFromServerName: "nightscout-db",
      restoreTargetTime: "2026-11-20T03:00:00Z",
    });
    expect(c.postgres.restore).toMatchObject({
      destinationPath: "s3://b/p",
      serverName: "nightscout-db",
      targetTime: "2026-11-20T03:00:00Z",
    });
  });
  test("restore into the same server name would overwrite the backups", () =>
    expectOneProblem(
      { ...WITH_BACKUP, restoreFromServerName: "nightscout-db" },
      "postgresClusterName",
      /archive WAL over the backups/,
    ));
  test("a trailing slash does not make the same store another (issue 20)", () => {
    const same = { ...WITH_BACKUP, restoreFromServerName: "nightscout-db" };
    for (const restoreSourcePath of ["s3://b/p/", "s3://b/p//", "s3://b/p"]) {
      expectOneProblem({ ...same, restoreSourcePath }, "postgresClusterName", /archive WAL over/);
    }
    expect(() => parse({ ...same, restoreSourcePath: "s3://b/p2/" })).not.toThrow();
  });
  test("a target time before PostgreSQL 17 existed is refused; its release day is not", () => {
    const restore = {
      ...WITH_BACKUP,
      postgresClusterName: "db2",
      restoreFromServerName: "nightscout-db",
    };
    expectOneProblem(
      { ...restore, restoreTargetTime: "2024-09-25T23:59:59Z" },
      "restoreTargetTime",
      /is before PostgreSQL 17 was released \(2024-09-26\), so no backup of this cluster reaches back to it/,
      /unset restoreTargetTime for the end of the WAL/,
    );
    expect(() => parse({ ...restore, restoreTargetTime: "2024-09-26T00:00:00Z" })).not.toThrow();
    // An offset counts: 01:00+02:00 is the 25th in UTC.
    expectOneProblem(
      { ...restore, restoreTargetTime: "2024-09-26T01:00:00+02:00" },
      "restoreTargetTime",
      /before PostgreSQL 17/,
    );
  });
  const restoring = {
    ...WITH_BACKUP,
    postgresClusterName: "db2",
    restoreFromServerName: "nightscout-db",
  };
  test("restore target time must be RFC 3339", () =>
    expectOneProblem(
      { ...restoring, restoreTargetTime: "yesterday 3am" },
      "restoreTargetTime",
      /RFC 3339/,
    ));
  test("restore target time must be in the past", () =>
    expectOneProblem(
      { ...restoring, restoreTargetTime: "2999-01-01T00:00:00Z" },
      "restoreTargetTime",
      /in the future/,
    ));
  test("restore needs a source path", () =>
    expect(problems({ restoreFromServerName: "nightscout-db" }).join("\n")).toMatch(
      /nightscout:restoreSourcePath = undefined: is required to restore/,
    ));
  test("restore without backups needs credentials", () =>
    expectOneProblem(
      { restoreFromServerName: "nightscout-db", restoreSourcePath: "s3://b/p" },
      "backupAccessKeyId",
      /restore needs object store credentials/,
    ));
  test("a target time without a source is an error", () =>
    expectOneProblem(
      { restoreTargetTime: "2026-11-20T03:00:00Z" },
      "restoreFromServerName",
      /unset while restoreTargetTime is set/,
    ));
});

describe("postDeployCheckRule", () => {
  test("direct mode needs a URI", () =>
    expectOneProblem(
      { postDeployCheck: "direct" },
      "postDeployCheckUri",
      /required when postDeployCheck is direct/,
      /Fix: pulumi config set --secret postDeployCheckUri mongodb:\/\/user:pass@host:27017\/nightscout$/,
    ));
  test("rendering manifests cannot port-forward", () =>
    expectOneProblem(
      { renderYamlToDirectory: "rendered/staging" },
      "postDeployCheck",
      /cannot port-forward when renderYamlToDirectory is set/,
      /Fix: pulumi config set postDeployCheck off \(or direct with postDeployCheckUri\)$/,
    ));
});

describe("enforceOnSettings, the catalogue's settings adapter", () => {
  type Field = "clusterName" | "now";
  /** A rule that blames `blamed`, its fix the command for `fixed` if the settings have one. */
  const blaming = (blamed: Field, fixed: Field) =>
    rule({
      id: `test-blames-${blamed}`,
      fact: 0,
      onSettings: true,
      summary: "a rule for this test",
      check: (_model: object, words) => [
        {
          field: blamed,
          value: "v",
          why: "is wrong",
          fix: words.set(fixed, "x") ?? `no command sets ${words.name(fixed)}`,
        },
      ],
    });
  const keys = { clusterName: "postgresClusterName", now: undefined } as const;
  const settings = () => new Settings({ read: (k) => VALID[k], project: "nightscout" });

  test("a field the stack file cannot set gets no pulumi command in a fix", () => {
    const s = settings();
    enforceOnSettings(s, blaming("clusterName", "now"), keys, {});
    expect(s.problems.messages).toEqual([
      'nightscout:postgresClusterName = "v": is wrong. Fix: no command sets now',
    ]);
  });

  test("a finding on a field no setting holds is a fault of the rule, not a problem", () => {
    const s = settings();
    expect(() => enforceOnSettings(s, blaming("now", "clusterName"), keys, {})).toThrow(
      /^rule test-blames-now blamed now, which no setting holds$/,
    );
    expect(s.problems.messages).toEqual([]);
  });

  test("each rule run is recorded for the catalogue's sync test", () => {
    enforceOnSettings(settings(), blaming("clusterName", "clusterName"), keys, {});
    expect(rulesEnforcedOnSettings().has("test-blames-clusterName")).toBe(true);
  });
});
