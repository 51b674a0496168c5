/**
 * Entry point of `pulumi-resource-command`, the project's stand-in for pulumi-command (see
 * provider.ts). The launcher that tools/parts/command-provider/install.sh writes calls
 * `start(version, args)` with the engine's arguments (`[--logtostderr] [-v=N] [--tracing X]
 * <engine-address>`); the Node SDK's provider server then prints the gRPC port on the first
 * stdout line, which is how the engine finds it.
 */
import * as grpc from "@grpc/grpc-js";
import { main } from "@pulumi/pulumi/provider";
import * as engineRpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as engineProto from "@pulumi/pulumi/proto/engine_pb";
import { commandProvider, STAND_IN_NOTICE } from "./provider";

/** The engine's address among the plugin arguments: the first one that is not a flag. */
export function engineAddress(args: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--tracing") {
      i++;
      continue;
    }
    if (!args[i].startsWith("-")) return args[i];
  }
  return undefined;
}

/**
 * Sends info messages to the engine: `ephemeral` ones are status lines on the resource (how
 * upstream's LogStatus streams command output), the others stay in the update's diagnostics.
 * Best effort: a lost log line must never fail a command.
 */
function engineLog(
  address: string | undefined,
): ((urn: string, message: string, ephemeral: boolean) => void) | undefined {
  if (!address) return undefined;
  let client: engineRpc.EngineClient | undefined;
  return (urn, message, ephemeral) => {
    client ??= new engineRpc.EngineClient(address, grpc.credentials.createInsecure());
    const req = new engineProto.LogRequest();
    req.setSeverity(engineProto.LogSeverity.INFO);
    req.setUrn(urn);
    req.setMessage(message);
    req.setEphemeral(ephemeral);
    client.log(req, () => undefined);
  };
}

export async function start(version: string, args: string[]): Promise<void> {
  const notice = `${STAND_IN_NOTICE} (plugin version ${version})`;
  // On stderr for whoever starts it by hand or reads the engine's logs; the CLI does not show a
  // plugin's stderr, so the same line goes to the engine as a diagnostic at the first check.
  process.stderr.write(`${notice}\n`);
  const log = engineLog(engineAddress(args));
  const provider = commandProvider({
    version,
    log: log && ((urn, line) => log(urn, line, true)),
    announce: log && ((urn) => log(urn, notice, false)),
  });
  await main(provider, args);
}
