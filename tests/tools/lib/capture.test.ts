/**
 * tools/lib/capture.ts, the one mock harness, tested on its own: a failing program, captures in
 * sequence, generated passwords, the wire's secret marker. Every other Pulumi test trusts these.
 */
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { PROJECT, capture, outputValue, secretInput } from "../../../tools/lib/capture";

/** A custom resource with whatever inputs a test gives it. */
class Thing extends pulumi.CustomResource {
  constructor(name: string, props: pulumi.Inputs = {}, opts?: pulumi.CustomResourceOptions) {
    super("test:index:Thing", name, props, opts);
  }
}

/** An input that resolves a little later, so its resource's registration is still in flight. */
const late = () => new Promise<string>((resolve) => setTimeout(() => resolve("late"), 20));

/** A component that throws halfway through its constructor, its child already registered. */
class HalfBuilt extends pulumi.ComponentResource {
  constructor(name: string, error: Error) {
    super("test:index:HalfBuilt", name, {});
    new Thing(`${name}-child`, { late: late() }, { parent: this });
    throw error;
  }
}

/**
 * Lets a rejection nobody handled surface while the test still runs, so jest fails this test
 * rather than a later one (jest fails the test an unhandled rejection happens in).
 */
const macrotask = () => new Promise((resolve) => setTimeout(resolve, 50));

const names = (items: readonly { name: string }[]) => items.map((i) => i.name);
/** Registrations reach the mocks in arrival order, which need not be construction order. */
const arrived = (items: readonly { name: string }[]) => names(items).sort();

describe("a program that throws", () => {
  const failures: [string, (error: Error) => unknown][] = [
    [
      "synchronously, after registering a resource",
      (error) => {
        new Thing("before", { late: late() });
        throw error;
      },
    ],
    [
      "asynchronously, after registering a resource",
      async (error) => {
        new Thing("before", { late: late() });
        await Promise.resolve();
        throw error;
      },
    ],
    ["inside a component's constructor, after super()", (error) => new HalfBuilt("half", error)],
  ];
  test.each(failures)(
    "%s: capture rejects with that very error, nothing is left unhandled",
    async (_, program) => {
      const error = new Error("the program failed");
      await expect(capture({ loadProgram: () => program(error) })).rejects.toBe(error);
      // Straight on, as a file's next capture would: the runtime is usable, and nothing of the
      // failed program (its registrations were in flight) arrives at the next one's mocks.
      const next = await capture({ loadProgram: () => new Thing("after") });
      expect(names(next.resources)).toEqual(["after"]);
      expect(names(next.registrations)).toEqual(["after"]);
      await macrotask();
    },
  );
});

describe("captures in sequence, in one file", () => {
  test("each sees its own resources, registrations, stack and configuration only", async () => {
    const first = await capture({
      stack: "one",
      configuration: { config: { [`${PROJECT}:size`]: "1" }, secretKeys: [] },
      loadProgram: () => {
        const size = new pulumi.Config().get("size");
        new Thing("first", { size });
        return { size };
      },
    });
    const second = await capture({
      stack: "two",
      loadProgram: () => {
        const size = new pulumi.Config().get("size");
        new Thing("second", { n: 2 });
        new Thing("second-too");
        return { size };
      },
    });

    expect(names(first.resources)).toEqual(["first"]);
    expect(names(first.registrations)).toEqual(["first"]);
    expect(first.resources[0].props).toEqual({ size: "1" });
    expect(first.outputs).toEqual({ size: "1" });
    expect(first.resources[0].urn).toMatch(
      /^urn:pulumi:one::nightscout::.*test:index:Thing::first$/,
    );

    expect(names(second.resources)).toEqual(["second", "second-too"]);
    expect(arrived(second.registrations)).toEqual(["second", "second-too"]);
    expect(second.outputs).toEqual({ size: undefined });
    expect(second.resources[0].urn).toMatch(
      /^urn:pulumi:two::nightscout::.*test:index:Thing::second$/,
    );
  });

  test("a second capture while one runs is refused, and the first still completes", async () => {
    const running = capture({ loadProgram: () => new Thing("running") });
    await expect(capture({ loadProgram: () => undefined })).rejects.toThrow(
      "capture: another capture is running; the runtime is global",
    );
    expect(names((await running).resources)).toEqual(["running"]);
  });
});

describe("generated passwords", () => {
  test("hold what each RandomPassword produced, as used by the resources that read it", async () => {
    const captured = await capture({
      loadProgram: () => {
        const password = new random.RandomPassword("db-password", { length: 24, special: false });
        new random.RandomPassword("unused-password", { length: 8 });
        new Thing("uses-password", { password: password.result, user: "nightscout" });
        return { result: password.result };
      },
    });
    const { generatedPasswords, resources, registrations } = captured;
    expect([...generatedPasswords.keys()].sort()).toEqual(["db-password", "unused-password"]);
    const generated = generatedPasswords.get("db-password")!;
    expect(generated).toEqual(expect.any(String));
    expect(generated).not.toBe(generatedPasswords.get("unused-password"));

    // The resource that uses it: its props, and the value that went over the wire, secret as
    // under the engine.
    const user = resources.find((r) => r.name === "uses-password")!;
    expect(user.props).toEqual({ password: generated, user: "nightscout" });
    const wire = registrations.find((r) => r.name === "uses-password")!.inputs;
    expect(secretInput(wire.password)).toEqual({ secret: true, value: generated });
    expect(await outputValue(captured.outputs.result)).toEqual({ value: generated, secret: true });
  });
});

describe("secretInput", () => {
  test("reads a wire input as its value and whether it was secret", async () => {
    const { registrations } = await capture({
      loadProgram: () =>
        new Thing("mixed", {
          hidden: pulumi.secret("s3cr3t"),
          shown: "plain",
          nested: pulumi.secret({ a: 1 }),
        }),
    });
    const { inputs } = registrations.find((r) => r.name === "mixed")!;
    expect(secretInput(inputs.hidden)).toEqual({ secret: true, value: "s3cr3t" });
    expect(secretInput(inputs.shown)).toEqual({ secret: false, value: "plain" });
    expect(secretInput(inputs.nested)).toEqual({ secret: true, value: { a: 1 } });
  });

  test("does not take a plain object with a value field, or nothing, for a secret", () => {
    expect(secretInput({ value: "x" })).toEqual({ secret: false, value: { value: "x" } });
    expect(secretInput(undefined)).toEqual({ secret: false, value: undefined });
  });
});
