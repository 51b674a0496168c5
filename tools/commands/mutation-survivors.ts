/**
 * The mutants that no test killed, from StrykerJS JSON reports, as docs/mutation-survivors.md:
 * per folder the score, then every surviving or uncovered mutant with its place, its edit and
 * its verdict. A verdict is either a reason the mutant is equivalent (it changes nothing a user
 * or a caller could see) or "gap" (a test is missing). The reasons live in VERDICTS below, keyed
 * by file, line and mutator; a mutant without one is a gap.
 *
 *   npx ts-node --transpile-only tools/commands/mutation-survivors.ts \
 *     [--keep <folder>]... [docs/mutation-record.json] <mutation.json>...
 *
 * Name full runs first and runs over a few files after them: see merge(). Stryker's reports
 * live in the ignored .cache/, which a new checkout does not have, so the tool also writes
 * docs/mutation-record.json: per file, how many mutants ended in each status and every one
 * still alive. Named first, the record stands for the runs it came from. `--keep <folder>`
 * copies a folder's rows from the current docs/mutation-survivors.md as they are, for a folder
 * measured before the record existed and not rerun since.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

export interface Mutant {
  mutatorName: string;
  replacement?: string;
  status: string;
  location: { start: { line: number; column: number }; end: { line: number; column: number } };
}
export interface Report {
  files: Record<string, { mutants: Mutant[] }>;
}

const ROOT = path.resolve(__dirname, "../..");
const OUT = path.join(ROOT, "docs", "mutation-survivors.md");
const RECORD = path.join(ROOT, "docs", "mutation-record.json");
const RECORD_KIND = "nightscout-stack mutation record";
const ALIVE = ["Survived", "NoCoverage"];

/** What docs/mutation-record.json holds of one file: counts by status, and the live mutants. */
interface RecordedFile {
  counts: Record<string, number>;
  alive: Mutant[];
}
export interface MutationRecord {
  kind: typeof RECORD_KIND;
  files: Record<string, RecordedFile>;
}
const FOLDERS = ["domain/", "config/", "policies/rules/"];

/** `file:line:mutator:replacement` -> why the mutant is equivalent. */
const VERDICTS: Record<string, string> = {
  'config/rules/backup.ts:43:StringLiteral:"Stryker was here!"':
    'equivalent: the pulumi.secret("") fallback is used only when backupAccessKeyId is unset, and then the backup rule has reported it as required, so parseStackConfig (the only caller) throws a ConfigError and the Args reach no one',
  'config/rules/backup.ts:44:StringLiteral:"Stryker was here!"':
    "equivalent: as line 43, for backupSecretAccessKey: the fallback exists only beside a reported problem, and parseStackConfig then throws",
  'config/rules/backup.ts:45:StringLiteral:"Stryker was here!"':
    'equivalent: backupRetention declares a default (30d) and Settings.text returns it for an unset or empty value, so the `?? ""` fallback is unreachable',
  'config/rules/backup.ts:46:StringLiteral:"Stryker was here!"':
    "equivalent: backupSchedule declares a default, so Settings.text never returns undefined here and the fallback is unreachable",
  'config/rules/backup.ts:63:StringLiteral:""':
    "equivalent: restoreFromOtherBackups never blames sourcePath nor names it in a message or fix (it blames clusterName and targetTime and names serverName), so this key is never read",
  'config/rules/backup.ts:64:StringLiteral:""':
    "equivalent: as line 63: the destinationPath key is never read by restoreFromOtherBackups or the adapter",
  'config/rules/backup.ts:71:StringLiteral:"Stryker was here!"':
    "equivalent: the rule compares sourcePath only when destinationPath is defined, and then `sourcePath ?? backup?.destinationPath` is already a string, so the last fallback never reaches the comparison",
  'config/rules/backup.ts:110:StringLiteral:"Stryker was here!"':
    "equivalent: destinationPath is undefined only after 'restoreSourcePath is required to restore' was reported, so parseStackConfig throws and the restore Args never leave it",
  'config/rules/backup.ts:113:StringLiteral:"Stryker was here!"':
    "equivalent: backup.accessKeyId is always defined when backup is, so the fallback is used only without backups and without the credential, where the missing-credentials problem makes parseStackConfig throw",
  'config/rules/backup.ts:114:StringLiteral:"Stryker was here!"':
    "equivalent: as line 113, for secretAccessKey",
  'config/rules/nightscout.ts:33:StringLiteral:""':
    "equivalent: (the tlsSecretName literal; the postgresClusterName one on this line is killed) with tlsSecretName invalid and the cluster name valid, the own-name rule the mutant lets run looks only for a value equal to <cluster>-<suffix>, which is always a valid object name, so it finds nothing",
  'config/rules/nightscout.ts:37:StringLiteral:""':
    "equivalent: (the postgresClusterName key) tlsSecretOwnName blames and words only secretName, so the clusterName key is never read",
  'config/rules/safety.ts:29:StringLiteral:""':
    "equivalent: for an invalid postgresInstances s.integer returns NaN, and minInstances finds nothing for NaN (`!(NaN < min)`), so running the rule adds nothing",
  "config/rules/safety.ts:34:ConditionalExpression:true":
    "equivalent: s.flag falls back to the declared default (true) for an invalid protectDatabase, and databaseProtected finds nothing wrong with a protected database",
  'config/rules/safety.ts:34:StringLiteral:""':
    'equivalent: as the line above: isValid("") holds, and the invalid flag reads as its default true, which databaseProtected accepts',
  'domain/access-plan.ts:60:ArrayDeclaration:["Stryker was here"]':
    'equivalent: the fallback list is searched with ROLE_MARK, anchored at both ends (^nightscout-stack\\/rotate-(\\d+)$), which "Stryker was here" does not match, so managedRotation(undefined) finds no mark and returns undefined either way',
  'config/rules/safety.ts:38:ArrayDeclaration:["Stryker was here"]':
    "equivalent: list() returns undefined only for a value check() refuses, and then the function returns before reading `roles`",
  "config/rules/connections.ts:15:ConditionalExpression:false":
    "equivalent: an invalid integer is NaN, and connectionBudget then finds nothing (NaN pods; `pooled + reserved > maxConnections` is false with any NaN), so running the rule adds no problem",
  "config/rules/connections.ts:15:MethodExpression:[replicas, pool, maxConnections].every(Number.isNaN)":
    "equivalent: as the line above: with any of the three NaN connectionBudget returns no finding, so whether it runs does not show",
  "config/rules/connections.ts:15:ArrayDeclaration:[]":
    "equivalent: as the line above: the rule always runs, and with a NaN input it finds nothing",
  "config/rules/thresholds.ts:29:MethodExpression:s.text(KEYS[t])!":
    "equivalent: values reach this line only when set and valid, and read.ts refuses any string setting that differs from its trim(), so trim() changes nothing a caller sees",
  'policies/rules/nightscout-settings.ts:62:StringLiteral:"Stryker was here!"':
    'equivalent: `words(undefined)` only reads an ENABLE that is absent (a referenced one is never read), which the mutant reads as enabling Stryker, was and here!; shown-plugins-enabled then differs only for a SHOW_PLUGINS naming one of those, which no Nightscout plugin is (NIGHTSCOUT_PLUGINS), and pushover-complete asks only `includes("pushover")` of the list',
  "policies/rules/nightscout-settings.ts:62:Regex:/\\s/":
    "equivalent: splitting on single whitespace leaves empty words between runs of it, which the `length > 0` filter drops: the same words, as config/formats.ts:68",
  'policies/rules/nightscout-settings.ts:91:StringLiteral:"Stryker was here!"':
    "equivalent: the fallback (DISPLAY_UNITS unset or referenced) only meets `/mmol/i` in unitsNightscoutReads; neither string contains mmol, so both read as mg/dL",
  "policies/rules/nightscout-settings.ts:99:ConditionalExpression:true":
    "equivalent: `!enabledUnreadable` still guards; with SHOW_PLUGINS unset or referenced, `words(undefined)` is `[]`, in which shown-plugins-enabled finds nothing (the rule's id is recorded as run either way on both stacks, whose Nightscout always sets SHOW_PLUGINS)",
  'policies/rules/nightscout-settings.ts:117:ArrayDeclaration:["Stryker was here"]':
    'equivalent: a referenced ENABLE reaches pushover-complete as this list, which the rule reads only through `includes("pushover")` (its JSON appears only in the finding past that test); the placeholder is not pushover, so the list finds what `[]` does',
  'policies/rules/nightscout-settings.ts:212:StringLiteral:"Stryker was here!"':
    'equivalent: the value only feeds `.split(/[\\s,]+/).includes("denied")`; an unset AUTH_DEFAULT_ROLES splits into Stryker, was and here!, none of which is `denied`, as the empty text does',
  "policies/rules/nightscout-settings.ts:212:Regex:/[\\s,]/":
    'equivalent: splitting on single separators only adds empty pieces between runs of them, and `includes("denied")` ignores those',
  "config/read.ts:337:ConditionalExpression:true":
    "equivalent: the surviving form is `true && entries.length < setting.minItems`; with minItems undefined, `entries.length < undefined` is false just as the guard is, so the same branch runs for every list",
  "config/read.ts:382:ConditionalExpression:true":
    "equivalent: the surviving form is `true && value.length < setting.minLength`; with minLength undefined, `value.length < undefined` is false just as the guard is, so the same branch (the format check) runs for every secret",
  'config/index.ts:119:MethodExpression:s.text("alarmTypes")!.split(/\\s+/)':
    "equivalent: the value reaching this line is non-empty (empty reads as the default) and has no surrounding whitespace (the check refuses it first), so split(/\\s+/) yields no empty word for filter(Boolean) to drop",
  "config/index.ts:119:Regex:/\\s/":
    "equivalent: splitting on single whitespace leaves empty words between runs of it, and filter(Boolean) drops them before the join: the same words, as config/formats.ts:68",
  "domain/cron.ts:133:Regex:/\\s/":
    "equivalent: splitting on single whitespace only adds empty words between runs of it, and `filter((f) => f.length > 0)` drops them: the same fields",
  "domain/rules/thresholds.ts:119:ConditionalExpression:true":
    "equivalent: `convertedFits` is read only with `looksOther`, and whenever a value looks like the other unit its conversion fits (the two ranges map onto each other; docs/mutation-testing.md)",
  "domain/rules/thresholds.ts:119:LogicalOperator:Number(converted) >= min || Number(converted) <= max":
    "equivalent: as above, `convertedFits` cannot be false while `looksOther` holds",
  "domain/platform.ts:38:EqualityOperator:i <= 3":
    "equivalent: `i <= 3` reads index 3 of two three-part versions, undefined on both sides, so the loop goes on to return 0 as before",
  "config/formats.ts:68:Regex:/\\s/":
    "equivalent: splitting on single whitespace leaves empty words between runs of it, and `filter(Boolean)` drops them: the same words",
  "config/formats.ts:195:ConditionalExpression:false":
    "equivalent: without an offset, `Number(undefined)` is NaN, and `NaN > 23` is false exactly as `0 > 23` is",
  "config/formats.ts:196:ConditionalExpression:false":
    "equivalent: as the line above, for the offset's minutes",
  "config/platform.ts:47:ConditionalExpression:true":
    "equivalent: the function has returned already when `operatorNamespace` is undefined, so `outputs.operatorNamespace === needs.namespace` cannot hold with `needs.namespace` undefined; the guard never decides",
  "policies/rules/network-policies.ts:74:EqualityOperator:port < wanted.port":
    "equivalent: `port === wanted.port` has returned true on the line before, so `<=` and `<` differ only where the function has returned",
  "policies/rules/network-policies.ts:95:ConditionalExpression:true":
    'equivalent: `policyTypes` is only searched with `includes("Ingress"/"Egress")`, which no non-string matches; `filter` reads every element whatever its predicate',
  "policies/rules/network-policies.ts:97:ArrowFunction:() => undefined":
    "equivalent: egress rules are only counted, never read, and `map` still reads each element",
  "policies/rules/network-policies.ts:97:LogicalOperator:asObj(x) && {}":
    "equivalent: as above, only the length of `egress` is used",
  "policies/rules/nightscout-default-roles-private.ts:26:Regex:/[\\s,]/":
    "equivalent: the extra empty pieces are dropped by the filter that follows",
  "policies/rules/monitoring-scrape-network-policy.ts:65:ConditionalExpression:true":
    "equivalent: `selectsAll(undefined)` is true, so the second operand already rejects a peer without a namespaceSelector",
  "policies/rules/monitoring-scrape-network-policy.ts:108:ConditionalExpression:false":
    "equivalent: `target.ports` is keyed by the container ports' names, all strings, so `get(undefined)` is undefined exactly as the guarded branch is",
  "policies/rules/no-literal-secrets.ts:43:ConditionalExpression:true":
    "equivalent: `hasCredentialUri(undefined)` tests the text `undefined`, which has no `://`",
  "policies/rules/cnpg-min-instances.ts:18:ConditionalExpression:false":
    "equivalent: `Number.isInteger` is false for every non-number, so `!Number.isInteger` alone catches them (the typeof is for TypeScript's narrowing)",
  "policies/rules/container-resources.ts:38:ConditionalExpression:false":
    "equivalent: the text `undefined` is refused by parseQuantity as `undefined` is, so nothing is reported either way",
  "policies/rules/container-resources.ts:67:Regex:/./":
    "equivalent: `what` always starts with a letter, so `/./` matches at index 0 as `/^./` does",
  'policies/rules/cnpg-documentdb-settings.ts:97:StringLiteral:"Stryker was here!"':
    "equivalent: the value is only tested against a pattern that needs the text `host=`, in neither string",
  'policies/rules/ferretdb-documentdb-pairing.ts:38:StringLiteral:"Stryker was here!"':
    "equivalent: dead fallback: `isDocumentDbCluster` lets in only Clusters whose `spec.imageName` is a string",
  "policies/rules/ferretdb-documentdb-pairing.ts:52:OptionalChaining:finding.kind.startsWith":
    "equivalent: every finding carries a `kind` (`findingOf` sets it in every case)",
  "policies/rules/ingress-tls-and-https-redirect.ts:41:ConditionalExpression:true":
    "equivalent: `traefikIngressClasses` is a schema-checked list of strings, so `includes(undefined)` is false",
  "policies/rules/production-database-protected.ts:25:OptionalChaining:cluster.opts.protect":
    "equivalent: `PolicyResource.opts` is always set, by the engine and by policies/lib/host.ts",
  "domain/rules/resources.ts:17:ConditionalExpression:false":
    "equivalent: parseQuantity returns a number or undefined, and `<` against undefined is false, so `!(limit < request)` already returns [] whenever either side is missing",
  "domain/rules/resources.ts:17:LogicalOperator:request === undefined && limit === undefined":
    "equivalent: as above, a missing side already makes the comparison false",
  "domain/images.ts:80:Regex:/[a-z][a-z0-9+.-]*:\\/\\//i":
    "equivalent: the line runs only when the anchored test on the line above matched, so the first match of the unanchored pattern is that same scheme at the start",
  "domain/images.ts:105:ConditionalExpression:true":
    "equivalent: an untagged image reaches TAG.test(undefined), which tests the text `undefined`, a valid tag, so no problem is reported, as before",
  "domain/quantity.ts:89:Regex:/^(\\d+(?:\\.\\d+)?)m/":
    "equivalent: memoryProblem reaches this match only for a value parseQuantity read, and QUANTITY allows a suffix `m` only as the last character (`m` takes no exponent and nothing after it), so a value that starts with digits and `m` ends there: the unanchored end matches the same values with the same number",
  "domain/quantity.ts:57:ConditionalExpression:true":
    "equivalent: the memory-like pattern matches only digits and a binary or decimal suffix, which parseQuantity always reads, so the first condition never decides",
  "domain/rules/namespaces.ts:76:ConditionalExpression:true":
    "equivalent: the model's namespace is always a string, so an unset field (undefined) never equals it",
  "domain/rules/restore.ts:42:ConditionalExpression:true":
    "equivalent: an unset serverName never equals the cluster's name, a string, so the last condition is false anyway",
  "domain/rules/restore.ts:56:ConditionalExpression:true":
    "equivalent: Date.parse(undefined) is NaN, and NaN is neither after now nor before PostgreSQL 17's release: no finding, as before",
  "policies/rules/backups-configured.ts:18:ConditionalExpression:true":
    "equivalent: an undefined key in the set is never looked up: every lookup first returns on an undefined key of its own",
  "policies/rules/backups-configured.ts:45:ConditionalExpression:false":
    "equivalent: the set holds no undefined key (the line 18 guard), so `!has(undefined)` is true and the same violation is reported",
  "policies/rules/backups-configured.ts:113:ConditionalExpression:false":
    "equivalent: as line 45, for the object stores",
  "policies/rules/network-policies.ts:75:EqualityOperator:port < wanted.port":
    "equivalent: a port equal to the wanted one has already returned true two lines above",
  "domain/rules/units.ts:17:ConditionalExpression:true":
    "equivalent: `WORDS.includes(undefined)` is false, so an unset value falls through as before",
  "domain/rules/units.ts:18:ConditionalExpression:false":
    "equivalent: `unitsNightscoutReads(undefined)` tests the text `undefined`, without mmol, so it reads mg/dL exactly as the branch does",
};

/**
 * Each file's mutants from the last report that holds the file: a later run over a few files
 * (with `--mutate`) replaces what an earlier full run said of those files, whose lines may have
 * moved since, and leaves the other files as the earlier run found them.
 */
export function merge(reports: Report[]): { mutant: Mutant; file: string }[] {
  const byFile = new Map<string, Mutant[]>();
  for (const report of reports) {
    for (const [absolute, { mutants }] of Object.entries(report.files)) {
      byFile.set(path.relative(ROOT, path.resolve(ROOT, absolute)), mutants);
    }
  }
  return [...byFile].flatMap(([file, mutants]) => mutants.map((mutant) => ({ mutant, file })));
}

/** A record read back as a report: its counted mutants stand in with their status alone. */
export function reportOfRecord(record: MutationRecord): Report {
  const nowhere = { start: { line: 0, column: 0 }, end: { line: 0, column: 0 } };
  return {
    files: Object.fromEntries(
      Object.entries(record.files).map(([file, { counts, alive }]) => [
        file,
        {
          mutants: [
            ...Object.entries(counts).flatMap(([status, n]) =>
              ALIVE.includes(status)
                ? []
                : Array.from({ length: n }, () => ({ mutatorName: "", status, location: nowhere })),
            ),
            ...alive,
          ],
        },
      ]),
    ),
  };
}

export function recordOf(mutants: { mutant: Mutant; file: string }[]): MutationRecord {
  const files: Record<string, RecordedFile> = {};
  for (const { file, mutant } of mutants) {
    const entry = (files[file] ??= { counts: {}, alive: [] });
    entry.counts[mutant.status] = (entry.counts[mutant.status] ?? 0) + 1;
    if (ALIVE.includes(mutant.status)) {
      const { mutatorName, replacement, status, location } = mutant;
      entry.alive.push({ mutatorName, replacement, status, location });
    }
  }
  const sorted = Object.fromEntries(Object.entries(files).sort(([a], [b]) => a.localeCompare(b)));
  return { kind: RECORD_KIND, files: sorted };
}

/** A kept folder's summary row and live rows, as the current table has them. */
function keptRows(folder: string): { summary: string; alive: string[] } {
  const lines = fs.existsSync(OUT) ? fs.readFileSync(OUT, "utf8").split("\n") : [];
  const summary = lines.find((l) => new RegExp(`^\\| \`${folder}\` +\\| \\d`).test(l));
  if (!summary) throw new Error(`--keep ${folder}: ${path.relative(ROOT, OUT)} has no row for it`);
  const alive = lines.filter((l) => l.startsWith(`| \`${folder}`) && l !== summary);
  return { summary, alive };
}

function main(): void {
  const args = process.argv.slice(2);
  const kept: string[] = [];
  const inputs: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--keep") kept.push(args[++i]);
    else inputs.push(args[i]);
  }
  if (inputs.length === 0 || kept.some((k) => !FOLDERS.includes(k))) {
    throw new Error(
      `usage: mutation-survivors.ts [--keep <${FOLDERS.join("|")}>]... <record or mutation.json>...`,
    );
  }
  const reports = inputs.map((f) => {
    const parsed = JSON.parse(fs.readFileSync(f, "utf8")) as Report | MutationRecord;
    return "kind" in parsed && parsed.kind === RECORD_KIND
      ? reportOfRecord(parsed)
      : (parsed as Report);
  });
  const keptRowsOf = new Map(kept.map((k) => [k, keptRows(k)]));
  const mutants = merge(reports).filter((m) => !kept.some((k) => m.file.startsWith(k)));
  const lines: string[] = [
    "# Surviving mutants",
    "",
    "Generated by `tools/commands/mutation-survivors.ts` from the StrykerJS reports named in",
    "docs/mutation-testing.md; do not edit by hand. Timeouts count as killed, as in Stryker's score.",
    "",
    "| folder | mutants | killed | timeout | survived | no coverage | score |",
    "| --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const folder of FOLDERS) {
    const keptFolder = keptRowsOf.get(folder);
    if (keptFolder) {
      lines.push(keptFolder.summary);
      continue;
    }
    const mine = mutants.filter((m) => m.file.startsWith(folder));
    const count = (s: string) => mine.filter((m) => m.mutant.status === s).length;
    const valid = mine.filter(
      (m) => !["CompileError", "RuntimeError", "Ignored"].includes(m.mutant.status),
    );
    const detected = count("Killed") + count("Timeout");
    const score = valid.length ? ((100 * detected) / valid.length).toFixed(2) : "-";
    lines.push(
      `| \`${folder}\` | ${valid.length} | ${count("Killed")} | ${count("Timeout")} | ${count("Survived")} | ${count("NoCoverage")} | ${score} % |`,
    );
  }
  const alive = mutants
    .filter((m) => ALIVE.includes(m.mutant.status))
    .sort((a, b) =>
      a.file === b.file
        ? a.mutant.location.start.line - b.mutant.location.start.line
        : a.file.localeCompare(b.file),
    );
  const verdictOf = (m: { file: string; mutant: Mutant }) =>
    VERDICTS[
      `${m.file}:${m.mutant.location.start.line}:${m.mutant.mutatorName}:${m.mutant.replacement ?? ""}`
    ];
  const keptAlive = [...keptRowsOf.values()].flatMap((k) => k.alive);
  const judged =
    alive.filter((m) => verdictOf(m)).length +
    keptAlive.filter((row) => !/\| gap +\|$/.test(row)).length;
  const total = alive.length + keptAlive.length;
  lines.push(
    "",
    `${total} mutants are alive: ${judged} judged equivalent, ${total - judged} gaps (a test is missing).`,
    ...(kept.length > 0
      ? [
          "",
          `Kept as the previous table had them (not rerun since, lines as they were then): ${kept.map((k) => `\`${k}\``).join(", ")}.`,
        ]
      : []),
    "",
    "| place | mutator | edit | status | verdict |",
    "| --- | --- | --- | --- | --- |",
  );
  const rows: { file: string; line: number; text: string }[] = [];
  for (const { file, mutant } of alive) {
    const line = mutant.location.start.line;
    const edit = (mutant.replacement ?? "").replace(/\s+/g, " ").replace(/\|/g, "\\|").slice(0, 80);
    const verdict = verdictOf({ file, mutant }) ?? "gap";
    rows.push({
      file,
      line,
      text: `| \`${file}:${line}\` | ${mutant.mutatorName} | \`${edit}\` | ${mutant.status} | ${verdict} |`,
    });
  }
  for (const text of keptAlive) {
    const [, file, line] = /^\| `([^`:]+):(\d+)`/.exec(text) ?? [];
    rows.push({ file, line: Number(line), text });
  }
  rows.sort((a, b) => (a.file === b.file ? a.line - b.line : a.file.localeCompare(b.file)));
  lines.push(...rows.map((r) => r.text));
  fs.writeFileSync(OUT, `${lines.join("\n")}\n`);
  fs.writeFileSync(RECORD, `${JSON.stringify(recordOf(mutants), null, 1)}\n`);
  // In the repository's own format, so `npm run lint` passes on the generated file.
  spawnSync(
    process.execPath,
    [require.resolve("prettier/bin/prettier.cjs"), "--write", OUT, RECORD],
    {
      stdio: "ignore",
    },
  );
  process.stdout.write(`${path.relative(ROOT, OUT)}: ${total} alive, ${judged} judged\n`);
}

if (require.main === module) main();
