/**
 * One program, two entry points. Users run `pulumi up` with the official CLI, whose Node.js
 * language host loads the project's main module (Pulumi.yaml `main`, else package.json `main`,
 * else index). Here no registry serves that language host, so the project's own runs
 * (tools/parts/engine/run.ts) hand the same module to the Automation API as an inline program: the
 * SDK then hosts the language runtime in this process and passes `--client` to the CLI.
 * `programModule` resolves the module the way the language host does, so both entry points load
 * the same file (tests/tools/parts/engine/program.test.ts holds them together).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as yaml from "js-yaml";

/** The main module of the Pulumi project in `projectDir`, as the Node.js language host finds it. */
export function programModule(projectDir: string): string {
  const project = yaml.load(fs.readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8")) as {
    main?: string;
    runtime?: string | { name?: string };
  };
  const runtime = typeof project.runtime === "string" ? project.runtime : project.runtime?.name;
  if (runtime !== "nodejs") {
    throw new Error(
      `${path.join(projectDir, "Pulumi.yaml")}: runtime is ${JSON.stringify(runtime)}; this engine path runs nodejs projects only.`,
    );
  }
  // `main` may name a file or a directory; the language host then resolves it like require().
  const base = project.main ? path.resolve(projectDir, project.main) : projectDir;
  return require.resolve(base, { paths: [projectDir] });
}

/**
 * The inline program: loads the main module and hands its exports to the engine as the stack
 * outputs, exactly what the language host does with a module's exports: a module that exports
 * a function is called, and what it returns (awaited) is the outputs.
 */
export function inlineProgram(projectDir: string): () => Promise<Record<string, unknown>> {
  const main = programModule(projectDir);
  return async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const exported: unknown = require(main);
    const outputs: unknown = await (exported instanceof Function ? exported() : exported);
    return (outputs ?? {}) as Record<string, unknown>;
  };
}
