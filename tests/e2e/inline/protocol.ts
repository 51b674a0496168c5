/**
 * What the e2e tests hand the inline-program driver (driver.ts) and what it hands back. The
 * driver runs one Automation API operation in a Node process of its own, because the Pulumi SDK's
 * runtime state is process-global and an inline program's stray async work outlives the
 * operation: in the jest process both leak into whichever test file runs next.
 */
import type {
  Deployment,
  OpMap,
  OpType,
  OutputMap,
  UpdateSummary,
} from "@pulumi/pulumi/automation";

export const OPERATIONS = ["select", "preview", "up", "destroy", "import", "remove"] as const;
export type Operation = (typeof OPERATIONS)[number];

export interface InlineStackSpec {
  stackName: string;
  projectName: string;
  /** The directory holding bin/pulumi (the toolchain's CLI), for PulumiCommand.get. */
  pulumiRoot: string;
  /** LocalWorkspace's workDir; the stack settings (the passphrase salt) live there. */
  workDir: string;
  /** LocalWorkspace's projectSettings; by default the SDK's for an inline program. */
  projectSettings?: {
    name: string;
    runtime: "nodejs";
    backend?: { url: string };
  };
  envVars: Record<string, string>;
}

export interface InlineRequest extends InlineStackSpec {
  operation: Operation;
  /**
   * The program for preview, up and destroy: a module in this directory (its base name) that
   * exports `program(spec)`, and the spec, as JSON.
   */
  program?: { module: string; spec: unknown };
  /** The state for `import`. */
  deployment?: Deployment;
}

/** One resource step the engine announced (resourcePreEvent). */
export interface InlineStep {
  op: OpType;
  type: string;
  urn: string;
}

export interface InlineResult {
  failed: boolean;
  /** The operation's error (a CommandError's message carries the CLI's output). */
  error?: { name: string; message: string };
  /** The CLI's stdout and stderr, as UpResult/PreviewResult/DestroyResult give them. */
  stdout: string;
  stderr: string;
  summary?: UpdateSummary;
  changeSummary?: OpMap;
  outputs?: OutputMap;
  steps: InlineStep[];
  /** The stack settings' passphrase salt (select). */
  encryptionSalt?: string;
  /** Rejections nobody handled while the driver ran, by message. */
  unhandled: string[];
}
