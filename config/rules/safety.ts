import {
  PUBLIC_READ_ROLE,
  anonymousRolesReadOnly,
  backupsRequired,
  databaseProtected,
  limitNotBelowRequest,
  minInstances,
  namespacesDistinct,
  noSystemNamespace,
} from "../../domain";
import { Settings } from "../read";
import type { SettingKey } from "../settings";
import { enforceOnSettings } from "./catalogue";

const INSTANCE_KEYS = { instances: "postgresInstances", environment: "environment" } as const;
const PROTECT_KEYS = { protect: "protectDatabase", environment: "environment" } as const;
const BACKUP_KEYS = { backups: "backupDestinationPath", environment: "environment" } as const;
const NAMESPACE_KEYS = {
  namespace: "namespace",
  allowSystemNamespace: "allowSystemNamespace",
} as const;

/**
 * What the policy pack requires of production and that follows from settings alone, refused
 * here too so a plain `pulumi up` without the pack is just as safe.
 */
export function productionRule(s: Settings): void {
  // Each rule takes its bounds for the stack's environment from the catalogue.
  if (s.isValid("postgresInstances")) {
    enforceOnSettings(s, minInstances, INSTANCE_KEYS, {
      instances: s.integer("postgresInstances"),
    });
  }
  if (s.isValid("protectDatabase")) {
    enforceOnSettings(s, databaseProtected, PROTECT_KEYS, { protect: s.flag("protectDatabase") });
  }
  enforceOnSettings(s, backupsRequired, BACKUP_KEYS, { backups: s.isSet("backupDestinationPath") });
  const roles = s.list("authDefaultRoles") ?? [];
  // An invalid list was reported already: no follow-on problem about what it grants.
  if (!s.isValid("authDefaultRoles")) return;
  enforceOnSettings(s, anonymousRolesReadOnly, { roles: "authDefaultRoles" }, { roles });
  if (s.text("environment") !== "production") return;
  if (roles.includes(PUBLIC_READ_ROLE) && !s.flag("acknowledgePublicGlucoseData")) {
    s.problems.add(
      "authDefaultRoles",
      JSON.stringify(roles),
      `${PUBLIC_READ_ROLE} lets anyone who finds the URL read every glucose value and treatment (fact 26)`,
      "pulumi config set --path 'authDefaultRoles[0]' status-only, or if the data is meant to be public: pulumi config set acknowledgePublicGlucoseData true",
    );
  }
}

/** Fact 35 (domain/rules/namespaces.ts) over the settings. */
export function systemNamespaceRule(s: Settings): void {
  enforceOnSettings(s, noSystemNamespace, NAMESPACE_KEYS, {
    namespace: s.text("namespace")!,
    allowSystemNamespace: s.flag("allowSystemNamespace"),
  });
}

const DISTINCT_NAMESPACE_KEYS = {
  namespace: "namespace",
  operatorNamespace: "cnpgOperatorNamespace",
  ingressNamespace: "ingressControllerNamespace",
  monitoringNamespace: "monitoringNamespace",
} as const;

/** Fact 35 (domain/rules/namespaces.ts): the stack's namespace is not one its neighbours use. */
export function namespacesDistinctRule(s: Settings): void {
  const keys = ["namespace", "cnpgOperatorNamespace", "ingressControllerNamespace"] as const;
  if (!keys.every((k) => s.isValid(k))) return;
  enforceOnSettings(s, namespacesDistinct, DISTINCT_NAMESPACE_KEYS, {
    namespace: s.text("namespace")!,
    operatorNamespace: s.text("cnpgOperatorNamespace")!,
    ingressNamespace: s.text("ingressControllerNamespace")!,
    monitoringNamespace:
      s.flag("monitoring") && s.isValid("monitoringNamespace")
        ? s.text("monitoringNamespace")
        : undefined,
  });
}

/** Fact 11 (domain/rules/resources.ts): memory limits at or above requests. */
export function memoryLimitRule(s: Settings): void {
  for (const prefix of ["postgres", "ferretdb", "nightscout"] as const) {
    const keys = {
      request: `${prefix}MemoryRequest`,
      limit: `${prefix}MemoryLimit`,
    } as const satisfies Record<string, SettingKey>;
    if (!s.isValid(keys.request) || !s.isValid(keys.limit)) continue;
    enforceOnSettings(s, limitNotBelowRequest, keys, {
      kind: "memory",
      request: s.text(keys.request),
      limit: s.text(keys.limit),
    });
  }
}
