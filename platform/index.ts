/**
 * The platform stack: the operators the nightscout app stacks need, installed from their
 * release manifests (from the cache or their pinned URL, docs/upstream-files.md), and a small outputs contract the app stacks read through a
 * StackReference (domain/platform.ts).
 */
import { loadPlatformConfig } from "./config";
import { deployPlatform } from "./program";

// Every setting is checked here, before anything is registered.
const config = loadPlatformConfig();

export const { operatorNamespace, operatorVersion, pluginName, monitoringCrdsPresent } =
  deployPlatform(config);
