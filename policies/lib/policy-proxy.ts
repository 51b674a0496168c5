/**
 * @pulumi/policy's proxy module alone: the package index loads the whole Pulumi SDK, which cost
 * every policy spec about 0.5 s. That module's own typings are internal (empty), so the types
 * come from the index, whose exports are these same objects.
 */
import type * as policy from "@pulumi/policy";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const proxy = require("@pulumi/policy/proxy") as Pick<
  typeof policy,
  "UnknownValueError" | "unknownCheckingProxy"
>;

export const { UnknownValueError, unknownCheckingProxy } = proxy;
export type UnknownValueError = policy.UnknownValueError;
