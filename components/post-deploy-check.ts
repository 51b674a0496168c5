import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { projectDirHolding } from "./project-dir";
import {
  CHECK_ENV,
  DEFAULT_CHECK_DEADLINE_SECONDS,
  DISPLAY_UNITS,
  FERRETDB_PORT,
  MAX_CHECK_DEADLINE_SECONDS,
  MIN_CHECK_DEADLINE_SECONDS,
  MONGODB_URI_SCHEME,
  type DisplayUnits,
  type PostDeployCheckMode,
} from "../domain";

/** The modes that run a check; "off" is decided by the caller, which then creates none. */
export type PostDeployCheckRunMode = Exclude<PostDeployCheckMode, "off">;
const RUN_MODES: readonly PostDeployCheckRunMode[] = ["portForward", "direct"];

export interface PostDeployCheckArgs {
  /**
   * `portForward` (default): `kubectl port-forward` to the FerretDB Service on a free local
   * port, torn down on every exit path. `direct`: `mongoUri` is reachable from where
   * `pulumi up` runs.
   */
  mode?: PostDeployCheckRunMode;
  /**
   * Secret. In `direct` mode the URI used as is; in `portForward` mode the in-cluster URI,
   * whose host:port the check replaces with the forward's local end.
   */
  mongoUri: pulumi.Input<string>;
  /** Namespace of the FerretDB Service (`portForward` only). */
  namespace?: pulumi.Input<string>;
  /** Name of the FerretDB Service (`portForward` only). */
  serviceName?: pulumi.Input<string>;
  /** Port of the FerretDB Service; default FERRETDB_PORT. */
  servicePort?: number;
  /** kubeconfig context for `kubectl port-forward`; default kubectl's current context. */
  kubeContext?: string;
  /**
   * Overall deadline of one check run, port-forward setup included; default
   * DEFAULT_CHECK_DEADLINE_SECONDS, within MIN_/MAX_CHECK_DEADLINE_SECONDS.
   */
  deadlineSeconds?: number;
  /** The check runs again whenever any of these change (images, rendered specs, ...). */
  triggers: pulumi.Input<unknown>[];
  /** Public Nightscout URL; when set, `/api/v1/status.json` must answer. */
  nightscoutUrl?: pulumi.Input<string>;
  /** Units Nightscout must show (needs `nightscoutUrl`). */
  expectedUnits?: DisplayUnits;
}

const COMPONENT = "PostDeployCheck";
/** TCP ports are 16-bit; 0 is not a port a Service can expose. */
const MAX_TCP_PORT = 65535;
export const DIRECT_COMMAND = "node -r ts-node/register/transpile-only check/cli.ts";
export const PORT_FORWARD_COMMAND = "bash check/port-forward.sh";

function invalid(field: string, value: unknown, fix: string): Error {
  return new Error(`${COMPONENT}: args.${field} = ${JSON.stringify(value)} is invalid. ${fix}`);
}

function isBlank(value: pulumi.Input<string> | undefined): boolean {
  return value === undefined || (typeof value === "string" && value.trim() === "");
}

/** Throws on arguments that cannot work; only plain values can be checked before deploy. */
export function validatePostDeployCheckArgs(args: PostDeployCheckArgs): void {
  const mode = args.mode ?? "portForward";
  if (!RUN_MODES.includes(mode)) {
    throw invalid("mode", args.mode, 'Use "portForward" or "direct".');
  }
  if (isBlank(args.mongoUri)) {
    throw invalid("mongoUri", "", "Pass the FerretDB URI as a secret Output.");
  }
  if (typeof args.mongoUri === "string") {
    // Never echo the value: it carries the password.
    if (!MONGODB_URI_SCHEME.test(args.mongoUri)) {
      throw invalid("mongoUri", "<redacted>", "It must start with mongodb:// or mongodb+srv://.");
    }
    if (mode === "portForward" && args.mongoUri.startsWith("mongodb+srv://")) {
      throw invalid(
        "mongoUri",
        "<redacted mongodb+srv URI>",
        'portForward rewrites host:port, which a mongodb+srv URI does not have. Use a mongodb:// URI or mode "direct".',
      );
    }
  }
  if (mode === "portForward") {
    if (isBlank(args.namespace)) {
      throw invalid(
        "namespace",
        args.namespace,
        'portForward needs the FerretDB Service\'s namespace; pass it, or use mode "direct".',
      );
    }
    if (isBlank(args.serviceName)) {
      throw invalid(
        "serviceName",
        args.serviceName,
        'portForward needs the FerretDB Service\'s name; pass it, or use mode "direct".',
      );
    }
  }
  if (
    args.servicePort !== undefined &&
    (!Number.isInteger(args.servicePort) || args.servicePort < 1 || args.servicePort > MAX_TCP_PORT)
  ) {
    throw invalid(
      "servicePort",
      args.servicePort,
      `Use an integer port 1-${MAX_TCP_PORT} (FerretDB listens on ${FERRETDB_PORT}).`,
    );
  }
  if (args.kubeContext !== undefined && args.kubeContext.trim() === "") {
    throw invalid(
      "kubeContext",
      args.kubeContext,
      "Name a kubeconfig context, or leave it unset for the current one.",
    );
  }
  if (
    args.deadlineSeconds !== undefined &&
    !(
      args.deadlineSeconds >= MIN_CHECK_DEADLINE_SECONDS &&
      args.deadlineSeconds <= MAX_CHECK_DEADLINE_SECONDS
    )
  ) {
    throw invalid(
      "deadlineSeconds",
      args.deadlineSeconds,
      `Use a number of seconds from ${MIN_CHECK_DEADLINE_SECONDS} to ${MAX_CHECK_DEADLINE_SECONDS} (default ${DEFAULT_CHECK_DEADLINE_SECONDS}).`,
    );
  }
  if (!Array.isArray(args.triggers)) {
    throw invalid(
      "triggers",
      args.triggers,
      "Pass an array of what should re-run the check, e.g. the FerretDB and Nightscout images and specs.",
    );
  }
  if (args.expectedUnits !== undefined) {
    if (!DISPLAY_UNITS.includes(args.expectedUnits)) {
      throw invalid(
        "expectedUnits",
        args.expectedUnits,
        `Use ${DISPLAY_UNITS.map((u) => JSON.stringify(u)).join(" or ")}.`,
      );
    }
    if (isBlank(args.nightscoutUrl)) {
      throw invalid(
        "expectedUnits",
        args.expectedUnits,
        "The units are read from Nightscout: also pass nightscoutUrl, or drop expectedUnits.",
      );
    }
  }
  if (typeof args.nightscoutUrl === "string" && !/^https?:\/\/[^/\s]+/.test(args.nightscoutUrl)) {
    throw invalid("nightscoutUrl", args.nightscoutUrl, "Use the public http(s) URL of the site.");
  }
}

/**
 * Runs check/cli.ts (MongoDB ping and a marker round trip through FerretDB, optionally the
 * Nightscout status) after its dependencies are ready, and again whenever `triggers`
 * change. A failing check fails `pulumi up` with the check's one-line reason.
 *
 * Pass `dependsOn` (FerretDB and Nightscout) in `opts`.
 */
export class PostDeployCheck extends pulumi.ComponentResource {
  /** The check's JSON line (timings of the last successful run), as a secret Output. */
  public readonly result: pulumi.Output<string>;

  constructor(name: string, args: PostDeployCheckArgs, opts?: pulumi.ComponentResourceOptions) {
    // Before super: invalid args must not leave a half-registered component behind.
    validatePostDeployCheckArgs(args);
    super("nightscout:check:PostDeployCheck", name, {}, opts);

    const mode = args.mode ?? "portForward";
    const deadlineMs = Math.round((args.deadlineSeconds ?? DEFAULT_CHECK_DEADLINE_SECONDS) * 1000);
    const environment: Record<string, pulumi.Input<string>> = {
      // The only place the URI goes: never the command string, which Pulumi shows and stores
      // in plain text, and which appears in the error of a failed run.
      [CHECK_ENV.mongoUri]: pulumi.secret(args.mongoUri),
      // Always set: the port-forward wrapper has no default of its own.
      [CHECK_ENV.deadlineMs]: String(deadlineMs),
    };
    if (mode === "portForward") {
      environment[CHECK_ENV.portForwardNamespace] = args.namespace as pulumi.Input<string>;
      environment[CHECK_ENV.portForwardService] = args.serviceName as pulumi.Input<string>;
      environment[CHECK_ENV.portForwardServicePort] = String(args.servicePort ?? FERRETDB_PORT);
      if (args.kubeContext !== undefined) environment[CHECK_ENV.kubeContext] = args.kubeContext;
    }
    if (args.nightscoutUrl !== undefined) environment[CHECK_ENV.nightscoutUrl] = args.nightscoutUrl;
    if (args.expectedUnits !== undefined) environment[CHECK_ENV.expectedUnits] = args.expectedUnits;

    const run = new command.local.Command(
      `${name}-run`,
      {
        create: mode === "portForward" ? PORT_FORWARD_COMMAND : DIRECT_COMMAND,
        dir: projectDirHolding("check/cli.ts"),
        environment,
        triggers: args.triggers,
        // The check prints only redacted text, and a failed run's error carries stdout and
        // stderr anyway. Streaming stdout shows the timings line in `pulumi up`; stderr
        // (retry chatter, kubectl's log) stays out of the console unless the check fails.
        logging: "stdout",
        // Its previous output is of no use to the next run.
        addPreviousOutputInEnv: false,
      },
      {
        parent: this,
        // Children do not inherit a component's dependsOn: repeat it so the check waits for
        // FerretDB and Nightscout to be ready.
        dependsOn: opts?.dependsOn,
        additionalSecretOutputs: ["stdout", "stderr"],
      },
    );

    // Stays secret, like every output of a command with a secret environment: the line holds
    // only timings, but a consumer that wants it in plain text should say so (unsecret).
    this.result = run.stdout;

    this.registerOutputs({ result: this.result });
  }
}
