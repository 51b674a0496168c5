/**
 * The ground floor: every domain value and rule the program, the policy pack, the check and
 * the tests share. Each module names the facts (docs/domain-facts.md) it encodes.
 */
export * from "./access";
export * from "./check";
export * from "./connections";
export * from "./cron";
export * from "./documentdb";
export * from "./images";
export * from "./names";
export * from "./network";
export * from "./nightscout";
export * from "./quantity";
export * from "./secrets";
export * from "./rules";
