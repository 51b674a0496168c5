/**
 * The inline program of tests/e2e/command-provider.test.ts, run by driver.ts: `@pulumi/command`
 * Commands that log what ran to `logFile`, one line per command.
 */
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import type { PulumiFn } from "@pulumi/pulumi/automation";

export interface CommandSpec {
  /** main's trigger (a change replaces it) and upd's input (a change updates it). */
  trigger: string;
  v: string;
  /** Declare a command that exits 3. */
  fail: boolean;
  logFile: string;
  /** A test secret that main's stdout carries. */
  token: string;
}

export function program(spec: CommandSpec): PulumiFn {
  return () => {
    const log = JSON.stringify(spec.logFile);
    const main = new command.local.Command("main", {
      // The stdout carries the secret: the checkpoint must hold it encrypted only.
      create: `echo "create $TRIG" >> ${log}; echo "out-$TRIG $TOKEN"`,
      delete: `echo "delete \${PULUMI_COMMAND_STDOUT%% *}" >> ${log}`,
      environment: { TRIG: spec.trigger, TOKEN: pulumi.secret(spec.token) },
      triggers: [spec.trigger],
      // Logging would stream the secret to the console: upstream leaves that to the program.
      logging: "none",
    });
    const upd = new command.local.Command("upd", {
      create: `echo "upd-create $V" >> ${log}; echo "v$V"`,
      update: `echo "upd-update $V prev=$PULUMI_COMMAND_STDOUT" >> ${log}; echo "v$V"`,
      delete: `echo "upd-delete" >> ${log}`,
      environment: { V: spec.v },
    });
    // Outputs computed by the shell, so that they are not in the command text of the state too.
    const plain = new command.local.Command("plain", { create: "echo plain-$((40 + 2))" });
    const marked = new command.local.Command(
      "marked",
      { create: "echo marked-$((40 + 2))" },
      { additionalSecretOutputs: ["stdout"] },
    );
    if (spec.fail) {
      new command.local.Command("failing", {
        create: "echo failing-output; echo failing-err >&2; exit 3",
      });
    }
    return Promise.resolve({
      main: main.stdout,
      upd: upd.stdout,
      plain: plain.stdout,
      marked: marked.stdout,
    });
  };
}
