/**
 * The platform stack: the operators the nightscout app stacks need, installed from their
 * release manifests (from the cache or their pinned URL, docs/upstream-files.md), and a small outputs contract the app stacks read through a
 * StackReference (domain/platform.ts).
 */
import { loadPlatformConfig } from "./config";
import { deployPlatform } from "./program";

// Exported as a function, as the app's index.ts is: the language host calls it and takes what it
// returns as the outputs, and a test may call it once per configuration.
export = function nightscoutPlatform() {
  // Every setting is checked here, before anything is registered.
  const config = loadPlatformConfig();
  const { operatorNamespace, operatorVersion, pluginName, monitoringCrdsPresent } =
    deployPlatform(config);
  return { operatorNamespace, operatorVersion, pluginName, monitoringCrdsPresent };
};
