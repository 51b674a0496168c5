import { BARMAN_PLUGIN } from "../../domain";
import { integer, resourcePolicy, text } from "../lib/define";
import { TYPES, asArr, asObj, asStr, at, isDocumentDbCluster } from "../lib/k8s";
import { runChecks } from "../lib/unknowns";

const settings = {
  postgresUID: integer(
    999,
    "UID postgres runs as in the postgres-documentdb image (CNPG defaults to 26).",
  ),
  postgresGID: integer(
    999,
    "GID postgres runs as in the postgres-documentdb image (CNPG defaults to 26).",
  ),
  socketDirectory: text(
    "/controller/run",
    "The Unix socket directory of CNPG instances, used by DocumentDB's internal connections.",
  ),
};

const REQUIRED_LIBRARIES = ["pg_cron", "pg_documentdb_core", "pg_documentdb"];
const CREATE_EXTENSION = /create\s+extension\s+(if\s+not\s+exists\s+)?"?documentdb"?/i;
const GRANT_ADMIN_ROLE = /grant\s+documentdb_admin_role\s+to\s+/i;
/** A line of CNPG's `local` map (its first pg_hba rule is `local all all peer map=local`). */
const LOCAL_MAP_LINE = /^local\s+postgres\s+(\S+)\s*$/;

export const cnpgDocumentdbSettings = resourcePolicy(
  {
    name: "cnpg-documentdb-settings",
    enforcementLevel: "mandatory",
    settings,
    appliesTo: TYPES.cluster,
  },
  "A CNPG Cluster running the postgres-documentdb image declares what the image's entrypoint would have: UID/GID, preload libraries, the extension, socket connections, superuser access, primary backups.",
  (args, reportViolation, config) => {
    if (!isDocumentDbCluster(args.type, args.props)) {
      args.notApplicable("The Cluster does not run a postgres-documentdb image");
    }
    const spec = asObj(at(args.props, "spec")) ?? {};
    const postgresql = asObj(spec["postgresql"]) ?? {};
    const parameters = asObj(postgresql["parameters"]) ?? {};
    const param = (name: string) => asStr(parameters[name]);

    runChecks([
      () => {
        for (const [field, want] of [
          ["postgresUID", config.postgresUID],
          ["postgresGID", config.postgresGID],
        ] as const) {
          if (spec[field] !== want) {
            reportViolation(
              `spec.${field} is ${JSON.stringify(spec[field])}, must be ${want}: the image runs postgres as ${want}, CNPG defaults to 26.`,
            );
          }
        }
      },
      () => {
        const libraries = asArr(postgresql["shared_preload_libraries"]);
        const missing = REQUIRED_LIBRARIES.filter((lib) => !libraries.includes(lib));
        if (missing.length > 0) {
          reportViolation(
            `spec.postgresql.shared_preload_libraries lacks ${missing.join(", ")}; CNPG does not run the image's entrypoint that would load them.`,
          );
        }
      },
      () => {
        if (param("cron.database_name") !== "postgres") {
          reportViolation(
            `spec.postgresql.parameters["cron.database_name"] must be "postgres" (pg_cron lives there).`,
          );
        }
      },
      () => {
        const initdb = asObj(at(spec, "bootstrap", "initdb"));
        // postInitSQL runs only for an initdb bootstrap; a recovered cluster brings the extension along.
        if (!initdb) return;
        const statements = asArr(initdb["postInitSQL"]).filter(
          (s): s is string => typeof s === "string",
        );
        if (!statements.some((s) => CREATE_EXTENSION.test(s))) {
          reportViolation(
            `spec.bootstrap.initdb.postInitSQL does not run "CREATE EXTENSION IF NOT EXISTS documentdb CASCADE;" (it must run in the postgres database).`,
          );
        }
        if (!statements.some((s) => GRANT_ADMIN_ROLE.test(s))) {
          reportViolation(
            `spec.bootstrap.initdb.postInitSQL does not grant documentdb_admin_role to the application role FerretDB connects as.`,
          );
        }
      },
      () => {
        if (param("cron.host") !== config.socketDirectory) {
          reportViolation(
            `spec.postgresql.parameters["cron.host"] must be "${config.socketDirectory}": pg_cron jobs otherwise connect over TCP and fail with "no password supplied".`,
          );
        }
        const conn = param("documentdb.localhost_connection_string") ?? "";
        if (
          !new RegExp(
            `(^|\\s)host=${config.socketDirectory.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}(\\s|$)`,
          ).test(conn)
        ) {
          reportViolation(
            `spec.postgresql.parameters["documentdb.localhost_connection_string"] must connect through host=${config.socketDirectory} (e.g. "host=${config.socketDirectory} user=postgres").`,
          );
        }
      },
      () => {
        const bootstrap = asObj(spec["bootstrap"]) ?? {};
        const appRole =
          asStr(at(bootstrap, "initdb", "owner")) ?? asStr(at(bootstrap, "recovery", "owner"));
        const mapped = asArr(postgresql["pg_ident"])
          .filter((l): l is string => typeof l === "string")
          .map((l) => l.trim().match(LOCAL_MAP_LINE)?.[1])
          .filter((r): r is string => r !== undefined);
        const role = appRole ?? "<app role>";
        if (appRole === undefined ? mapped.length === 0 : !mapped.includes(appRole)) {
          reportViolation(
            `spec.postgresql.pg_ident has no "local postgres ${role}" line: CNPG's first pg_hba rule ("local all all peer map=local") decides socket connections, and DocumentDB connects back as ${role} (drop_collection), which fails peer authentication unless the local map lets postgres be ${role}.`,
          );
        }
      },
      () => {
        if (spec["enableSuperuserAccess"] !== true) {
          reportViolation(
            `spec.enableSuperuserAccess must be true: creating the extension and its grants needs the superuser.`,
          );
        }
      },
      () => {
        const plugins = asArr(spec["plugins"]).map((p) => asObj(p) ?? {});
        const backups =
          plugins.some((p) => p["name"] === BARMAN_PLUGIN) ||
          at(spec, "backup", "barmanObjectStore") !== undefined;
        if (backups && at(spec, "backup", "target") !== "primary") {
          reportViolation(
            `Backups are configured but spec.backup.target is not "primary": backups from a standby stall on DocumentDB's role grants.`,
          );
        }
      },
    ]);
  },
);
