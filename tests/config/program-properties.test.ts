/**
 * Property test over the whole program: a valid staging stack with one or two settings
 * changed to random, sensible or hostile values is evaluated under mocks. Either the config
 * refuses it (one clean ConfigError, checked like tests/config/properties.test.ts) or every
 * registered Kubernetes object passes the policy pack's mandatory policies and the strict
 * schema validation. Each accepted run evaluates and checks the whole program, so the unit
 * suite runs a few; FC_PROGRAM_RUNS=80 searches deeper (80 passed when written).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import fc from "fast-check";
import nightscoutStack from "../../index";
import { ConfigError } from "../../config";
import { exampleOf } from "../../config/problems";
import { SETTINGS, Setting } from "../../config/settings";
import { evaluatePolicies, type PolicyPackConfig } from "../../policies/evaluate";
import { capture, stackConfig } from "../../tools/lib/capture";
import { kubernetesObjects, manifestValidator, type Props } from "../helpers/program";

const RUNS = Number(process.env.FC_PROGRAM_RUNS ?? 4);
const SEED = process.env.FC_SEED ? Number(process.env.FC_SEED) : undefined;
const POLICY_CONFIG = JSON.parse(
  fs.readFileSync(path.join(__dirname, "../../policies/config/staging.json"), "utf8"),
) as PolicyPackConfig;

/** A platform stack's outputs that carry any app stack (config/platform.ts). */
const CAPABLE_PLATFORM = {
  operatorNamespace: "cnpg-system",
  operatorVersion: "1.30.0",
  pluginName: "barman-cloud.cloudnative-pg.io",
  monitoringCrdsPresent: true,
};

/** Values that often pass the config, so the program behind it gets exercised. */
function valueFor(setting: Setting): fc.Arbitrary<string | undefined> {
  const sensible = [exampleOf(setting), String(setting.default ?? "")];
  if (setting.oneOf) sensible.push(...setting.oneOf);
  if (setting.range) sensible.push(...setting.range.map(String));
  if (setting.items) sensible.push(JSON.stringify(setting.items.slice(0, 3)));
  if (setting.type === "boolean") sensible.push("true", "false");
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...sensible.filter((v) => !v.includes("<"))) },
    { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

const mutable = SETTINGS.filter((s) => !s.secret && s.key !== "environment");
const mutation = fc
  .uniqueArray(fc.constantFrom(...mutable), { minLength: 1, maxLength: 2 })
  .chain((chosen) => fc.record(Object.fromEntries(chosen.map((s) => [s.key, valueFor(s)]))));

test("accepted configurations register objects that pass the pack and the schemas", async () => {
  let evaluated = 0;
  await fc.assert(
    fc.asyncProperty(mutation, async (changes) => {
      let captured;
      try {
        // A fresh module registry per run: a cached index.ts would register nothing.
        captured = await capture({
          stack: "staging",
          configuration: stackConfig("staging", changes),
          // platformStack is among the settings drawn: a StackReference answered with a platform
          // that carries this stack (left unanswered, its outputs never resolve under mocks).
          respond: (args) =>
            args.type === "pulumi:pulumi:StackReference"
              ? {
                  id: String(args.inputs.name),
                  state: {
                    name: args.inputs.name,
                    outputs: CAPABLE_PLATFORM,
                    secretOutputNames: [],
                  },
                }
              : undefined,
          loadProgram: () => nightscoutStack(),
        });
      } catch (e) {
        if (e instanceof ConfigError) return;
        throw e;
      }
      evaluated++;
      const objects = kubernetesObjects(captured.resources);
      if (objects.length < 15) throw new Error(`only ${objects.length} objects registered`);
      const schemaProblems = objects.flatMap((r) => manifestValidator().validate(r.props as Props));
      if (schemaProblems.length > 0) throw new Error(`schema: ${schemaProblems.join("; ")}`);
      const mandatory = (await evaluatePolicies(captured.resources, POLICY_CONFIG)).filter(
        (v) => v.enforcementLevel === "mandatory",
      );
      if (mandatory.length > 0) {
        throw new Error(
          `policies: ${mandatory.map((v) => `${v.policy}: ${v.message}`).join("; ")}`,
        );
      }
    }),
    // The unchanged stack first: at least one run always reaches the program.
    { numRuns: RUNS, seed: SEED, examples: [[{}]] },
  );
  expect(evaluated).toBeGreaterThan(0);
}, 120_000);
