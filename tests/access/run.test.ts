/** The access reconciler as the program runs it (access/run.ts, access/cli.ts), in direct mode. */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import * as path from "node:path";
import { apiSecretHeader } from "../../access/nightscout-api";
import { ACCESS_ENV, runAccess } from "../../access/run";
import {
  type AuthorizationDouble,
  startAuthorizationDouble,
} from "../helpers/nightscout-authorization-double";

const SECRET = "a-long-enough-api-secret";
const DECLARATION = JSON.stringify({
  subjects: [
    { name: "Grandma", roles: ["readable"], rotate: 0 },
    { name: "Mum", roles: ["readable"], rotate: 0 },
  ],
  roles: [],
});

let double: AuthorizationDouble;
beforeEach(async () => {
  double = await startAuthorizationDouble(SECRET);
});
afterEach(() => double.close());

const env = (overrides: Record<string, string | undefined> = {}) => ({
  [ACCESS_ENV.apiSecret]: SECRET,
  [ACCESS_ENV.declaration]: DECLARATION,
  [ACCESS_ENV.url]: double.url,
  [ACCESS_ENV.deadlineMs]: "0",
  ...overrides,
});

describe("runAccess", () => {
  it("makes it so and prints the managed subjects with their _ids, the report on stderr", async () => {
    const outcome = await runAccess(env());
    expect(outcome.exitCode).toBe(0);
    expect(outcome.stderr).toEqual([
      "access: subject Grandma: created",
      "access: subject Mum: created",
    ]);
    const { subjects } = JSON.parse(outcome.stdout) as {
      subjects: { name: string; _id: string }[];
    };
    expect(subjects.map((s) => s.name)).toEqual(["Grandma", "Mum"]);
    expect(subjects.every((s) => /^[0-9a-f]{24}$/.test(s._id))).toBe(true);
    expect((await runAccess(env())).stderr).toEqual([
      "access: Nightscout's subjects and roles are as declared",
    ]);
  });

  it("in a dry run says what would change, changes nothing, and names the tokens only the update knows", async () => {
    const outcome = await runAccess(env({ [ACCESS_ENV.dryRun]: "true" }));
    expect(outcome).toEqual({
      stdout: '{"subjects":[],"pending":["Grandma","Mum"]}',
      stderr: [
        "access: would change: subject Grandma: created",
        "access: would change: subject Mum: created",
      ],
      exitCode: 0,
    });
    expect(double.requests).toEqual(["GET /roles", "GET /subjects"]);
  });

  it("in a dry run refused the secret, lists whose token a new apiSecret changes", async () => {
    const outcome = await runAccess(
      env({ [ACCESS_ENV.dryRun]: "true", [ACCESS_ENV.apiSecret]: "the-new-api-secret" }),
    );
    expect(outcome.exitCode).toBe(0);
    expect(outcome.stderr).toEqual([
      "access: Nightscout refused the API secret: if this update changes apiSecret, the token of every managed subject changes: Grandma, Mum; send each person their new link after the update (npm run access)",
    ]);
  });

  it("in a dry run that cannot reach Nightscout, reports it and does not fail the preview", async () => {
    await double.close();
    const outcome = await runAccess(env({ [ACCESS_ENV.dryRun]: "true" }));
    expect(outcome.exitCode).toBe(0);
    expect(outcome.stderr[0]).toMatch(
      /^access: could not read Nightscout's subjects \(GET .*: ECONNREFUSED\); what this update changes there is unknown$/,
    );
    double = await startAuthorizationDouble(SECRET);
  });

  it("fails an update it cannot carry out, naming why, without the secret", async () => {
    const outcome = await runAccess(env({ [ACCESS_ENV.apiSecret]: "the-new-api-secret" }));
    expect(outcome.exitCode).toBe(1);
    expect(outcome.stderr.join("\n")).toContain(
      "answered HTTP 401: Nightscout refused the API secret",
    );
    expect(outcome.stderr.join("\n")).not.toContain("the-new-api-secret");
  });

  it("in an update, tries again within its deadline while Nightscout is not answering right", async () => {
    double.failNext("GET /roles");
    const outcome = await runAccess(env({ [ACCESS_ENV.deadlineMs]: "10000" }));
    expect(outcome.exitCode).toBe(0);
    expect(double.requests.slice(0, 2)).toEqual(["GET /roles", "GET /roles"]);
    expect(outcome.stderr).toEqual([
      "access: subject Grandma: created",
      "access: subject Mum: created",
    ]);
  });

  it("does not try again after a conflict with a hand-made subject", async () => {
    await fetch(`${double.url}/api/v2/authorization/subjects`, {
      method: "POST",
      headers: { "api-secret": apiSecretHeader(SECRET), "content-type": "application/json" },
      body: JSON.stringify({ name: "Mum", roles: ["readable"] }),
    });
    double.requests.length = 0;
    const outcome = await runAccess(env({ [ACCESS_ENV.deadlineMs]: "10000" }));
    expect(outcome.exitCode).toBe(1);
    expect(outcome.stderr[0]).toMatch(/^access: nothing changed: subject "Mum" was made by hand/);
    expect(double.requests).toEqual(["GET /roles", "GET /subjects"]);
  });

  it("refuses bad usage with every reason at once", async () => {
    const outcome = await runAccess({ [ACCESS_ENV.declaration]: "[]" });
    expect(outcome).toEqual({
      stdout: '{"subjects":null}',
      stderr: [
        "access: usage: ACCESS_API_SECRET is empty: pass Nightscout's API_SECRET",
        "access: usage: ACCESS_DECLARATION is not a declaration of subjects and roles",
        "access: usage: set ACCESS_NIGHTSCOUT_URL, or ACCESS_PF_NAMESPACE, ACCESS_PF_SERVICE and ACCESS_PF_PORT for a port-forward",
      ],
      exitCode: 64,
    });
  });
});

test("the CLI prints the JSON line on stdout and the report on stderr", async () => {
  // Asynchronously: the stand-in answers from this very process.
  const cli = await promisify(execFile)(
    process.execPath,
    ["-r", "ts-node/register/transpile-only", "access/cli.ts"],
    {
      cwd: path.resolve(__dirname, "../.."),
      env: { PATH: process.env.PATH, ...env({ [ACCESS_ENV.dryRun]: "true" }) },
      encoding: "utf8",
    },
  );
  expect(cli.stdout).toBe('{"subjects":[],"pending":["Grandma","Mum"]}\n');
  expect(cli.stderr).toBe(
    "access: would change: subject Grandma: created\naccess: would change: subject Mum: created\n",
  );
});
