import * as pulumi from "@pulumi/pulumi";
import type { StackOutputs } from "../../outputs";

/**
 * The nightscout stack's outputs, typed by the contract in ../../outputs.ts. requireOutput
 * fails the preview with the output's name if the referenced stack no longer exports it.
 */
export function nightscoutOutputs(ref: pulumi.StackReference): StackOutputs {
  const get = <K extends keyof StackOutputs>(name: K) => ref.requireOutput(name) as StackOutputs[K];
  return {
    namespace: get("namespace"),
    url: get("url"),
    nightscoutService: get("nightscoutService"),
    ferretdbHost: get("ferretdbHost"),
    ferretdbPort: get("ferretdbPort"),
    // Secret in the referenced stack, and still secret here.
    mongoUri: get("mongoUri"),
    postgresClusterName: get("postgresClusterName"),
    postgresReadWriteHost: get("postgresReadWriteHost"),
    displayUnits: get("displayUnits"),
    backupsEnabled: get("backupsEnabled"),
    // Secret too: every family member's token. Added later than the rest, so read with
    // getOutput: a stack deployed before it simply has none.
    accessLinks: ref
      .getOutput("accessLinks")
      .apply((links) => (links ?? {}) as Record<string, { token: string; url: string }>),
  };
}
