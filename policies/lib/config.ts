import type {
  PolicyConfigSchema,
  ResourceValidationArgs,
  StackValidationArgs,
} from "@pulumi/policy";

/** The defaults a config schema declares, keyed by property. */
export function schemaDefaults(schema: PolicyConfigSchema | undefined): Record<string, unknown> {
  const defaults: Record<string, unknown> = {};
  for (const [key, property] of Object.entries(schema?.properties ?? {})) {
    const value = (property as { default?: unknown }).default;
    if (value !== undefined) defaults[key] = value;
  }
  return defaults;
}

/**
 * The policy's config with schema defaults filled in. The engine fills them too, but the
 * policies must not depend on which host (engine, offline evaluator, spec) runs them.
 */
export function configOf<T extends object>(
  args: ResourceValidationArgs | StackValidationArgs,
  schema: PolicyConfigSchema | undefined,
): T {
  return { ...schemaDefaults(schema), ...args.getConfig<Record<string, unknown>>() } as T;
}
