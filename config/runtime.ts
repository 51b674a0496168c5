/**
 * The stack's configuration as the engine hands it to the program. Apart from the rest of
 * config/, which needs only the SDK's Output module, so the config tests run without loading the
 * SDK's runtime (about half a second per test file).
 */
import * as pulumi from "@pulumi/pulumi";
import { parseStackConfig, type StackConfig } from ".";
import { findStackFile } from "./stack-file";

/** Reads the stack's configuration from the Pulumi runtime and validates it. */
export function loadStackConfig(): StackConfig {
  // Secret values are read raw so their length can be checked before anything is deployed;
  // Settings wraps them in secret Outputs before anything else sees them.
  // isConfigSecret is public in the SDK's JavaScript but not in its typings; without it
  // (an older SDK) the plaintext check is skipped rather than failing every deploy.
  const runtime = pulumi.runtime as typeof pulumi.runtime & {
    isConfigSecret?: (key: string) => boolean;
  };
  return parseStackConfig({
    read: (k) => pulumi.runtime.getConfig(k),
    project: pulumi.getProject(),
    isSecret: (k) => runtime.isConfigSecret?.(k) ?? true,
    keys: Object.keys(pulumi.runtime.allConfig()),
    stackFile: findStackFile(process.cwd(), pulumi.getProject(), pulumi.getStack()),
  });
}
