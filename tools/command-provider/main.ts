/**
 * Entry point of `pulumi-resource-command`, the project's stand-in for pulumi-command (see
 * provider.ts). The launcher that tools/command-provider/install.sh writes calls
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
 * Streams command output to the engine as ephemeral info messages on the resource, the way
 * upstream's LogStatus does. Best effort: a lost log line must never fail a command.
 */
function engineLogger(
  address: string | undefined,
): ((urn: string, line: string) => void) | undefined {
  if (!address) return undefined;
  let client: engineRpc.EngineClient | undefined;
  return (urn, line) => {
    client ??= new engineRpc.EngineClient(address, grpc.credentials.createInsecure());
    const req = new engineProto.LogRequest();
    req.setSeverity(engineProto.LogSeverity.INFO);
    req.setUrn(urn);
    req.setMessage(line);
    req.setEphemeral(true);
    client.log(req, () => undefined);
  };
}

export async function start(version: string, args: string[]): Promise<void> {
  // The engine shows a plugin's stderr: this line says what is answering for pulumi-command.
  process.stderr.write(`${STAND_IN_NOTICE} v${version}\n`);
  await main(commandProvider({ version, log: engineLogger(engineAddress(args)) }), args);
}
