import { parseStackConfig } from "../../config";
import { parseCommandLine } from "../../tools/commands/policy-check";
import { stackConfig } from "../../tools/lib/capture";

/**
 * What the gate's program reads for a command line, in-process: its settings as the engine would
 * hand them over. Calling the result parses them; refusals found there stop the gate before any
 * policy runs.
 */
export function gateReading(args: string[]): () => unknown {
  const { stack, overrides, secrets } = parseCommandLine(args);
  const { config, secretKeys } = stackConfig(stack, overrides, secrets);
  return () =>
    parseStackConfig({
      read: (k) => config[k],
      isSecret: (k) => secretKeys.includes(k),
      keys: Object.keys(config),
    });
}
