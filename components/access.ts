import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { ACCESS_ENV } from "../access/run";
import type { AccessDeclaration } from "../access/reconcile";
import {
  GLUCOSE_EXPORTER_SUBJECT,
  MANAGED_SUBJECTS,
  abbreviationClashes,
  accessToken,
} from "../domain";
import { NIGHTSCOUT_SERVICE_PORT } from "./nightscout";
import { projectDirHolding } from "./project-dir";

/** One person's or device's way in: the token, and the link that logs a follower app in. */
export interface AccessLink {
  token: string;
  url: string;
}

export interface NightscoutAccessArgs {
  /** The subjects and custom roles the stack manages; names must give distinct token prefixes. */
  declaration: AccessDeclaration;
  /** Nightscout's API_SECRET (secret): the admin credential, and what every token derives from. */
  apiSecret: pulumi.Input<string>;
  /** The site's public URL, for the links handed to people (`https://ns.example.org`). */
  publicUrl: pulumi.Input<string>;
  /** `portForward` (default) to the Nightscout Service, or `direct` to `nightscoutUrl`. */
  mode?: "portForward" | "direct";
  nightscoutUrl?: pulumi.Input<string>;
  namespace?: pulumi.Input<string>;
  serviceName?: pulumi.Input<string>;
  servicePort?: pulumi.Input<number>;
  kubeContext?: string;
  /** How long an update keeps trying while Nightscout rolls out; default 180 s. */
  deadlineSeconds?: number;
}

const COMPONENT = "NightscoutAccess";
export const ACCESS_COMMAND = "node -r ts-node/register/transpile-only access/cli.ts";

function invalid(field: string, value: unknown, fix: string): Error {
  return new Error(`${COMPONENT}: args.${field} = ${JSON.stringify(value)} is invalid. ${fix}`);
}

/** Throws on what the types allow and Nightscout would not take, before anything registers. */
export function validateNightscoutAccessArgs(args: NightscoutAccessArgs): void {
  const mode = args.mode ?? "portForward";
  if (mode !== "portForward" && mode !== "direct") {
    throw invalid("mode", args.mode, 'Use "portForward" or "direct".');
  }
  if (mode === "direct" && args.nightscoutUrl === undefined) {
    throw invalid("nightscoutUrl", undefined, "direct mode needs the URL Nightscout answers on.");
  }
  if (mode === "portForward" && (args.namespace === undefined || args.serviceName === undefined)) {
    throw invalid(
      args.namespace === undefined ? "namespace" : "serviceName",
      undefined,
      'portForward needs the Nightscout Service\'s namespace and name; pass them, or use mode "direct".',
    );
  }
  const clash = abbreviationClashes(args.declaration.subjects.map((s) => s.name))[0];
  if (clash) {
    throw invalid(
      "declaration.subjects",
      clash,
      "Their tokens would start alike; give each subject a name whose first 10 letters and digits differ.",
    );
  }
  const d = args.deadlineSeconds;
  if (d !== undefined && !(Number.isInteger(d) && d >= 0 && d <= 3600)) {
    throw invalid("deadlineSeconds", d, "Use whole seconds from 0 to 3600.");
  }
}

/** Each managed subject's link, from the reconciler's `_id`s and the secret they derive from. */
export function accessLinks(
  subjects: readonly { name: string; _id: string }[],
  apiSecret: string,
  publicUrl: string,
): Record<string, AccessLink> {
  const site = publicUrl.replace(/\/$/, "");
  return Object.fromEntries(
    subjects.map((s) => {
      const token = accessToken(s, apiSecret);
      return [s.name, { token, url: `${site}/?token=${encodeURIComponent(token)}` }];
    }),
  );
}

/**
 * Makes Nightscout's subjects and roles what the stack declares (access/reconcile.ts) on every
 * run of the program, once `opts.dependsOn` (the Nightscout Deployment) is ready: a preview
 * only reads, and logs what the update would change there, drift included; an update makes it
 * so, and a second one changes nothing. `links` maps each managed subject to its token and
 * follower link, as a secret; the reconciler's report is logged on this component. The stack's
 * own subjects (MANAGED_SUBJECTS) are not people, so not among the links: the glucose exporter's
 * token is `exporterToken`, undefined when the declaration has no such subject.
 */
export class NightscoutAccess extends pulumi.ComponentResource {
  public readonly links: pulumi.Output<Record<string, AccessLink>>;
  public readonly exporterToken: pulumi.Output<string> | undefined;

  constructor(name: string, args: NightscoutAccessArgs, opts?: pulumi.ComponentResourceOptions) {
    validateNightscoutAccessArgs(args);
    super("nightscout:access:NightscoutAccess", name, {}, opts);
    const dryRun = pulumi.runtime.isDryRun();
    const environment: Record<string, pulumi.Input<string>> = {
      [ACCESS_ENV.apiSecret]: pulumi.secret(args.apiSecret),
      [ACCESS_ENV.declaration]: JSON.stringify(args.declaration),
      [ACCESS_ENV.dryRun]: String(dryRun),
      [ACCESS_ENV.deadlineMs]: String((args.deadlineSeconds ?? 180) * 1000),
    };
    if ((args.mode ?? "portForward") === "direct") {
      environment[ACCESS_ENV.url] = args.nightscoutUrl!;
    } else {
      environment[ACCESS_ENV.namespace] = args.namespace!;
      environment[ACCESS_ENV.service] = args.serviceName!;
      environment[ACCESS_ENV.port] = pulumi
        .output(args.servicePort ?? NIGHTSCOUT_SERVICE_PORT)
        .apply(String);
      if (args.kubeContext) environment[ACCESS_ENV.context] = args.kubeContext;
    }
    const run = command.local.runOutput(
      {
        command: ACCESS_COMMAND,
        dir: projectDirHolding("access/cli.ts"),
        environment,
        logging: "none",
      },
      { parent: this, dependsOn: opts?.dependsOn },
    );
    run.stderr.apply((text) => {
      for (const line of text.split("\n").filter(Boolean)) pulumi.log.info(line, this);
    });
    const all = pulumi.secret(
      pulumi.all([run.stdout, args.apiSecret, args.publicUrl]).apply(([stdout, secret, url]) => {
        const { subjects, pending } = JSON.parse(stdout) as {
          subjects: { name: string; _id: string }[] | null;
          pending?: string[];
        };
        // A preview knows the links of the subjects that keep their _id; one it would create or
        // rotate, or a Nightscout it could not read, leaves them unknown until the update.
        return subjects === null || (pending ?? []).length > 0
          ? (pulumi.output(pulumi.unknown) as never)
          : accessLinks(subjects, secret, url);
      }),
    );
    const own = new Set<string>(MANAGED_SUBJECTS.map((m) => m.name));
    this.links = all.apply((links) =>
      Object.fromEntries(Object.entries(links).filter(([name]) => !own.has(name))),
    );
    const exporter = GLUCOSE_EXPORTER_SUBJECT;
    this.exporterToken = args.declaration.subjects.some((s) => s.name === exporter)
      ? all.apply((links) => {
          // The reconciler makes every declared subject; without it the exporter could not read.
          if (!links[exporter])
            throw new Error(`${COMPONENT}: Nightscout has no ${exporter} subject after the run`);
          return links[exporter].token;
        })
      : undefined;
    this.registerOutputs({ links: this.links, exporterToken: this.exporterToken });
  }
}
