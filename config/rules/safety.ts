import {
  PRODUCTION_MIN_INSTANCES,
  PUBLIC_READ_ROLE,
  SYSTEM_NAMESPACES,
  parseQuantity,
} from "../../domain";
import { Settings } from "../read";
import type { SettingKey } from "../settings";

/**
 * What the policy pack requires of production and that follows from settings alone, refused
 * here too so a plain `pulumi up` without the pack is just as safe.
 */
export function productionRule(s: Settings): void {
  if (s.text("environment") !== "production") return;
  const instances = s.integer("postgresInstances");
  if (instances < PRODUCTION_MIN_INSTANCES) {
    s.problems.add(
      "postgresInstances",
      String(instances),
      `production needs at least ${PRODUCTION_MIN_INSTANCES} PostgreSQL instances so losing one node loses no data`,
      `pulumi config set postgresInstances ${PRODUCTION_MIN_INSTANCES} (or pulumi config set environment staging)`,
    );
  }
  if (s.isValid("protectDatabase") && !s.flag("protectDatabase")) {
    s.problems.add(
      "protectDatabase",
      "false",
      "production's database must be protected from deletion and replacement",
      "pulumi config set protectDatabase true (or pulumi config set environment staging)",
    );
  }
  if (!s.isSet("backupDestinationPath")) {
    s.problems.add(
      "backupDestinationPath",
      undefined,
      "production needs backups: without them a lost volume is a lost history",
      "pulumi config set backupDestinationPath s3://<bucket>/<path> with backupAccessKeyId and backupSecretAccessKey (or pulumi config set environment staging)",
    );
  }
  const roles = s.list("authDefaultRoles") ?? [];
  if (roles.includes(PUBLIC_READ_ROLE) && !s.flag("acknowledgePublicGlucoseData")) {
    s.problems.add(
      "authDefaultRoles",
      JSON.stringify(roles),
      `${PUBLIC_READ_ROLE} lets anyone who finds the URL read every glucose value and treatment (fact 26)`,
      "pulumi config set --path 'authDefaultRoles[0]' status-only, or if the data is meant to be public: pulumi config set acknowledgePublicGlucoseData true",
    );
  }
}

/** The stack's default-deny NetworkPolicy must not land where CoreDNS or the ingress run. */
export function systemNamespaceRule(s: Settings): void {
  const namespace = s.text("namespace")!;
  if (SYSTEM_NAMESPACES.includes(namespace) && !s.flag("allowSystemNamespace")) {
    s.problems.add(
      "namespace",
      namespace,
      "is a namespace the cluster's own workloads use; the stack's default-deny NetworkPolicy would cut them off",
      "pulumi config set namespace nightscout (or, knowing the risk, pulumi config set allowSystemNamespace true)",
    );
  }
}

/** A memory limit below the request cannot be scheduled as asked (container-resources policy). */
export function memoryLimitRule(s: Settings): void {
  for (const prefix of ["postgres", "ferretdb", "nightscout"] as const) {
    const requestKey: SettingKey = `${prefix}MemoryRequest`;
    const limitKey: SettingKey = `${prefix}MemoryLimit`;
    if (!s.isValid(requestKey) || !s.isValid(limitKey)) continue;
    const request = parseQuantity(s.text(requestKey));
    const limit = parseQuantity(s.text(limitKey));
    if (request !== undefined && limit !== undefined && limit < request) {
      s.problems.add(
        limitKey,
        s.text(limitKey),
        `is below ${requestKey} (${s.text(requestKey)}); the container would be killed before it reaches what it asked for`,
        `pulumi config set ${limitKey} ${s.text(requestKey)} or more`,
      );
    }
  }
}
