/**
 * Every policy of the pack, in one list. Kept apart from index.ts because constructing the
 * PolicyPack starts a gRPC server: the specs and the offline evaluator import this list.
 */
import type { Policies } from "@pulumi/policy";
import { backupAgeAlert } from "./rules/backup-age-alert";
import { backupsConfigured } from "./rules/backups-configured";
import { cnpgDocumentdbSettings } from "./rules/cnpg-documentdb-settings";
import { cnpgMinInstances } from "./rules/cnpg-min-instances";
import { containerResources } from "./rules/container-resources";
import { ferretdbConnectionBudget } from "./rules/ferretdb-connection-budget";
import { ferretdbDocumentdbPairing } from "./rules/ferretdb-documentdb-pairing";
import { imagesPinned } from "./rules/images-pinned";
import { monitoringScrapeNetworkPolicy } from "./rules/monitoring-scrape-network-policy";
import { ingressTlsAndHttpsRedirect } from "./rules/ingress-tls-and-https-redirect";
import { networkPolicies } from "./rules/network-policies";
import { nightscoutDefaultRolesPrivate } from "./rules/nightscout-default-roles-private";
import { nightscoutSettings } from "./rules/nightscout-settings";
import { noLiteralSecrets } from "./rules/no-literal-secrets";
import { podSecurityRestricted } from "./rules/pod-security-restricted";
import { probesPresent } from "./rules/probes-present";
import { productionDatabaseProtected } from "./rules/production-database-protected";
import { traefikMiddlewareReferences } from "./rules/traefik-middleware-references";

export const allPolicies: Policies = [
  ingressTlsAndHttpsRedirect,
  traefikMiddlewareReferences,
  imagesPinned,
  containerResources,
  noLiteralSecrets,
  podSecurityRestricted,
  probesPresent,
  cnpgMinInstances,
  cnpgDocumentdbSettings,
  ferretdbDocumentdbPairing,
  nightscoutSettings,
  nightscoutDefaultRolesPrivate,
  productionDatabaseProtected,
  backupsConfigured,
  networkPolicies,
  ferretdbConnectionBudget,
  monitoringScrapeNetworkPolicy,
  backupAgeAlert,
];
