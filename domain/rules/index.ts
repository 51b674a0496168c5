/**
 * The rule catalogue: every domain rule that both the settings and the rendered objects must
 * obey, each declared once with its fact, id, check, message and fix. config/rules/ runs them
 * over the settings, policies/rules/ over what the program renders; the pack's config files and
 * the rule table in docs/domain-facts.md are generated from this list (`npm run sync:rules`).
 */
import { accessEntries } from "./access";
import { connectionBudget } from "./connections";
import { dbSizeWithinVolume } from "./dbsize";
import { imagePair } from "./images";
import { minInstances } from "./instances";
import { namespacesDistinct, noSystemNamespace } from "./namespaces";
import { anonymousRolesReadOnly, backupsRequired, databaseProtected } from "./production";
import { restoreFromOtherBackups } from "./restore";
import { featurePluginsEnabled, shownPluginsEnabled } from "./plugins";
import { pushoverComplete } from "./pushover";
import { limitNotBelowRequest } from "./resources";
import type { Limits, Rule } from "./rule";
import { thresholds } from "./thresholds";
import { tlsSecretOwnName, tlsSource } from "./tls";
import { displayUnitsExplicit } from "./units";

export * from "./rule";
export { ACCESS_KINDS, UPLOADER_ROLES, accessEntries } from "./access";
export type { AccessEntry, AccessKind, AccessModel, CustomRole } from "./access";
export { connectionBudget } from "./connections";
export { dbSizeWithinVolume } from "./dbsize";
export { imagePair } from "./images";
export type { ConnectionBudgetModel, PoolClient } from "./connections";
export { minInstances } from "./instances";
export { namespacesDistinct, noSystemNamespace } from "./namespaces";
export type { NamespacesModel } from "./namespaces";
export {
  WRITING_ROLES,
  anonymousRolesReadOnly,
  backupsRequired,
  databaseProtected,
} from "./production";
export { POSTGRES_17_RELEASED, objectStorePathKey, restoreFromOtherBackups } from "./restore";
export type { RestoreModel } from "./restore";
export { featurePluginsEnabled, shownPluginsEnabled } from "./plugins";
export { pushoverComplete } from "./pushover";
export type { PushoverModel } from "./pushover";
export { limitNotBelowRequest } from "./resources";
export { thresholds, thresholdValues } from "./thresholds";
export type { ThresholdField, ThresholdName, ThresholdsModel } from "./thresholds";
export { tlsSecretOwnName, tlsSource } from "./tls";
export { displayUnitsExplicit } from "./units";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a list of rules over different models
export type AnyRule = Rule<any, string, Limits>;

export const RULES: readonly AnyRule[] = [
  imagePair,
  minInstances,
  databaseProtected,
  backupsRequired,
  limitNotBelowRequest,
  connectionBudget,
  displayUnitsExplicit,
  thresholds,
  dbSizeWithinVolume,
  shownPluginsEnabled,
  tlsSource,
  tlsSecretOwnName,
  noSystemNamespace,
  namespacesDistinct,
  restoreFromOtherBackups,
  anonymousRolesReadOnly,
  accessEntries,
  pushoverComplete,
  featurePluginsEnabled,
];
