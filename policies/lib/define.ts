/**
 * How a rule declares itself, so each rule file holds only its rule: the engine's policy object,
 * its config schema and typed config, and the "only applies to <type>" guard are built here.
 * Each setting is declared once; its TypeScript type follows from the declaration.
 */
import type {
  EnforcementLevel,
  PolicyConfigSchema,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { configOf } from "./config";

/** The values a setting can hold: what JSON schema defaults and the engine's config carry. */
type SettingValue = boolean | number | string | string[];

/** A config property as the engine's schema wants it, typed by the value it holds. */
export interface Setting<T extends SettingValue> {
  type: "boolean" | "integer" | "number" | "string" | "array";
  default: T;
  description: string;
  items?: { type: "string" };
  minimum?: number;
}

export type Settings = Record<string, Setting<SettingValue>>;

/** The config a rule receives: each setting's value, its default filled in. */
export type ConfigOf<S extends Settings> = {
  [K in keyof S]: S[K] extends Setting<infer T> ? T : never;
};

/**
 * Boolean settings, on or off by default: `requireX: on\`Why it is required.\``. A template tag,
 * so that a setting stays one line however long its description: settings blocks then read as
 * a table instead of three lines per flag.
 */
export function on(description: TemplateStringsArray): Setting<boolean> {
  return { type: "boolean", default: true, description: description.join("") };
}

export function off(description: TemplateStringsArray): Setting<boolean> {
  return { type: "boolean", default: false, description: description.join("") };
}

/** A boolean setting whose default is a value, not a literal: a catalogue limit. */
export function flag(defaultValue: boolean, description: string): Setting<boolean> {
  return { type: "boolean", default: defaultValue, description };
}

export function stringList(defaultValue: string[], description: string): Setting<string[]> {
  return { type: "array", items: { type: "string" }, default: defaultValue, description };
}

export function integer(
  defaultValue: number,
  description: string,
  bounds: { minimum?: number } = {},
): Setting<number> {
  return { type: "integer", default: defaultValue, description, ...bounds };
}

export function decimal(defaultValue: number, description: string): Setting<number> {
  return { type: "number", default: defaultValue, description };
}

export function text(defaultValue: string, description: string): Setting<string> {
  return { type: "string", default: defaultValue, description };
}

export interface PolicyBasics<S extends Settings> {
  name: string;
  enforcementLevel: EnforcementLevel;
  /** What operators may set for this policy in the pack's config; none by default. */
  settings?: S;
}

export interface ResourcePolicyBasics<S extends Settings> extends PolicyBasics<S> {
  /** The only resource type the rule validates; any other is not applicable. */
  appliesTo?: string;
}

type Validate<Args, S extends Settings> = (
  args: Args,
  reportViolation: ReportViolation,
  config: ConfigOf<S>,
) => Promise<void> | void;

/** The parts every policy has, and `validate` given the config with its defaults filled in. */
function definition<S extends Settings, Args extends ResourceValidationArgs | StackValidationArgs>(
  { name, enforcementLevel, settings }: PolicyBasics<S>,
  description: string,
  validate: Validate<Args, S>,
) {
  // Without settings the engine gets no schema at all, as for a policy that never had one.
  const configSchema: PolicyConfigSchema | undefined =
    settings && Object.keys(settings).length > 0 ? { properties: settings } : undefined;
  return {
    policy: { name, description, enforcementLevel, ...(configSchema ? { configSchema } : {}) },
    validation: (args: Args, reportViolation: ReportViolation) =>
      validate(args, reportViolation, configOf<ConfigOf<S>>(args, configSchema)),
  };
}

export function resourcePolicy<S extends Settings = Settings>(
  outline: ResourcePolicyBasics<S>,
  description: string,
  validate: Validate<ResourceValidationArgs, S>,
): ResourceValidationPolicy {
  const { appliesTo } = outline;
  const { policy, validation } = definition(outline, description, validate);
  return {
    ...policy,
    validateResource: (args, reportViolation) => {
      if (appliesTo !== undefined && args.type !== appliesTo) {
        args.notApplicable(`Policy only applies to ${appliesTo}`);
      }
      return validation(args, reportViolation);
    },
  };
}

export function stackPolicy<S extends Settings = Settings>(
  outline: PolicyBasics<S>,
  description: string,
  validate: Validate<StackValidationArgs, S>,
): StackValidationPolicy {
  const { policy, validation } = definition(outline, description, validate);
  return { ...policy, validateStack: validation };
}
