/**
 * A resource as a policy host outside the engine receives it: captured from the program under
 * mocks (tools/lib/capture.ts) or written by hand in a spec. Defined here, in the pack, because the
 * pack runs without the repository's tools/ (the engine loads only policies/).
 */

/** The resource options the engine hands policies (PolicyResourceOptions), as URNs and names. */
export interface CapturedOptions {
  protect?: boolean;
  retainOnDelete?: boolean;
  /** URN of the parent resource. */
  parent?: string;
  /** URNs of the explicit dependencies. */
  dependsOn: string[];
  /** URNs the resource was known by before (its aliases option). */
  aliases?: string[];
  ignoreChanges?: string[];
  deleteBeforeReplace?: boolean;
  additionalSecretOutputs?: string[];
}

export interface CapturedResource {
  type: string;
  name: string;
  urn: string;
  /** Inputs as the engine receives them, Outputs resolved. */
  props: Record<string, unknown>;
  opts: CapturedOptions;
  /** A custom resource (one a provider manages); false for components and the stack. */
  custom: boolean;
}
