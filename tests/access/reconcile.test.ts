/**
 * The access reconciler (access/) against the stand-in for Nightscout's authorization API
 * (tests/helpers/nightscout-authorization-double.ts) over HTTP on loopback.
 */
import { accessToken } from "../../domain/access";
import { managedRole } from "../../domain/access-plan";
import {
  NightscoutApiError,
  apiSecretHeader,
  httpAuthorizationApi,
} from "../../access/nightscout-api";
import { type AccessDeclaration, AccessConflict, reconcileAccess } from "../../access/reconcile";
import {
  type AuthorizationDouble,
  type DocumentStore,
  memoryStore,
  startAuthorizationDouble,
} from "../helpers/nightscout-authorization-double";

const SECRET = "a-long-enough-api-secret";

let double: AuthorizationDouble;
let store: DocumentStore;
beforeEach(async () => {
  store = memoryStore();
  double = await startAuthorizationDouble(SECRET, store);
});
afterEach(() => double.close());

const api = () => httpAuthorizationApi(double.url, SECRET);
const declare = (
  subjects: AccessDeclaration["subjects"],
  roles: AccessDeclaration["roles"] = [],
): AccessDeclaration => ({ subjects, roles });
/** What Nightscout lists, tokens included, as a follower's app would be told. */
async function listed(): Promise<
  { _id: string; name: string; accessToken: string; roles: string[] }[]
> {
  const response = await fetch(`${double.url}/api/v2/authorization/subjects`, {
    headers: { "api-secret": apiSecretHeader(SECRET) },
  });
  return (await response.json()) as never;
}

describe("reconcileAccess", () => {
  it("creates the declared subjects, marked, and derives the very tokens Nightscout gives them", async () => {
    const result = await reconcileAccess(
      api(),
      declare([
        { name: "Grandma", roles: ["readable"], rotate: 0 },
        { name: "AAPS", roles: ["admin"], rotate: 2 },
      ]),
    );
    expect(result.report).toEqual(["subject Grandma: created", "subject AAPS: created"]);
    expect(result.changed).toBe(true);
    const subjects = await listed();
    expect(subjects.map((s) => [s.name, s.roles])).toEqual([
      ["AAPS", ["admin", managedRole(2)]],
      ["Grandma", ["readable", managedRole(0)]],
    ]);
    expect(result.subjects.map((s) => s.name)).toEqual(["AAPS", "Grandma"]);
    for (const s of result.subjects) {
      const token = subjects.find((l) => l._id === s._id)!.accessToken;
      expect(accessToken(s, SECRET)).toBe(token);
    }
  });

  it("changes nothing on a second run: no call but the two lists and the one after", async () => {
    const declaration = declare(
      [{ name: "Grandma", roles: ["readable", "carbs"], rotate: 0 }],
      [{ name: "carbs", permissions: ["api:treatments:create"], note: "school" }],
    );
    const first = await reconcileAccess(api(), declaration);
    double.requests.length = 0;
    const second = await reconcileAccess(api(), declaration);
    expect(second).toEqual({ subjects: first.subjects, pending: [], report: [], changed: false });
    expect(double.requests).toEqual(["GET /roles", "GET /subjects", "GET /subjects"]);
  });

  it("updates roles in place, so the token stays; rotates to a new token; deletes what is no longer declared", async () => {
    const first = await reconcileAccess(
      api(),
      declare([
        { name: "Grandma", roles: ["readable"], rotate: 0 },
        { name: "Mum", roles: ["readable"], rotate: 0 },
        { name: "Old phone", roles: ["readable"], rotate: 0 },
      ]),
    );
    const before = await listed();
    const second = await reconcileAccess(
      api(),
      declare([
        { name: "Grandma", roles: ["readable", "careportal"], rotate: 0 },
        { name: "Mum", roles: ["readable"], rotate: 1 },
      ]),
    );
    expect(second.report).toEqual([
      "subject Grandma: roles updated (its token stays)",
      "subject Mum: rotated (a new token; the old one no longer works)",
      "subject Old phone: deleted, no longer declared (its token no longer works)",
    ]);
    const after = await listed();
    const token = (list: typeof after, name: string) =>
      list.find((s) => s.name === name)?.accessToken;
    expect(token(after, "Grandma")).toBe(token(before, "Grandma"));
    expect(token(after, "Mum")).not.toBe(token(before, "Mum"));
    expect(token(after, "Old phone")).toBeUndefined();
    expect(after.map((s) => s.name)).toEqual(["Grandma", "Mum"]);
    expect(second.subjects.find((s) => s.name === "Grandma")!._id).toBe(
      first.subjects.find((s) => s.name === "Grandma")!._id,
    );
  });

  it("leaves subjects and roles made by hand alone, and says so", async () => {
    await store.save("subjects", {
      _id: "0123456789abcdef01234567",
      name: "Nurse",
      roles: ["readable"],
    });
    await store.save("roles", {
      _id: "0123456789abcdef01234568",
      name: "by-hand",
      permissions: ["*:*:read"],
    });
    const result = await reconcileAccess(
      api(),
      declare([{ name: "Mum", roles: ["readable"], rotate: 0 }]),
    );
    expect(result.report).toEqual([
      "role by-hand: made by hand, left alone",
      "subject Mum: created",
      "subject Nurse: made by hand, left alone",
    ]);
    expect((await listed()).map((s) => s.name)).toEqual(["Mum", "Nurse"]);
    expect(result.subjects.map((s) => s.name)).toEqual(["Mum"]);
  });

  it("changes nothing at all when a declared name was made by hand", async () => {
    await store.save("subjects", {
      _id: "0123456789abcdef01234567",
      name: "Nurse",
      roles: ["readable"],
    });
    const before = await listed();
    await expect(
      reconcileAccess(
        api(),
        declare([
          { name: "Mum", roles: ["readable"], rotate: 0 },
          { name: "Nurse", roles: ["readable"], rotate: 0 },
        ]),
      ),
    ).rejects.toThrow(
      new AccessConflict(
        'nothing changed: subject "Nurse" was made by hand (_id 0123456789abcdef01234567); the stack leaves it alone and so cannot declare that name: delete it in Admin Tools, or rename the entry',
      ),
    );
    expect(await listed()).toEqual(before);
  });

  it("creates a custom role before the subject that names it, and deletes one only after", async () => {
    await reconcileAccess(
      api(),
      declare(
        [{ name: "School", roles: ["carbs"], rotate: 0 }],
        [{ name: "carbs", permissions: ["api:treatments:create"] }],
      ),
    );
    expect(double.requests.slice(0, 4)).toEqual([
      "GET /roles",
      "GET /subjects",
      "POST /roles",
      "POST /subjects",
    ]);
    double.requests.length = 0;
    await reconcileAccess(api(), declare([{ name: "School", roles: ["readable"], rotate: 0 }]));
    expect(double.requests).toEqual([
      "GET /roles",
      "GET /subjects",
      "PUT /subjects",
      "DELETE /roles",
      "GET /subjects",
    ]);
  });

  it("with dryRun, says what it would do, names the subjects whose token only the update knows, and does nothing", async () => {
    const result = await reconcileAccess(
      api(),
      declare([{ name: "Grandma", roles: ["readable"], rotate: 0 }]),
      { dryRun: true },
    );
    expect(result).toEqual({
      subjects: [],
      pending: ["Grandma"],
      report: ["subject Grandma: created"],
      changed: true,
    });
    expect(await listed()).toEqual([]);
  });
});

describe("reconcileAccess with dryRun after an update", () => {
  it("knows the _id of every subject kept or updated in place, and not of one it would rotate", async () => {
    const applied = await reconcileAccess(
      api(),
      declare([
        { name: "Grandma", roles: ["readable"], rotate: 0 },
        { name: "Mum", roles: ["readable"], rotate: 0 },
      ]),
    );
    const id = (name: string) => applied.subjects.find((s) => s.name === name)!._id;
    const preview = await reconcileAccess(
      api(),
      declare([
        { name: "Grandma", roles: ["readable", "careportal"], rotate: 0 },
        { name: "Mum", roles: ["readable"], rotate: 1 },
      ]),
      { dryRun: true },
    );
    expect(preview.subjects).toEqual([{ name: "Grandma", _id: id("Grandma") }]);
    expect(preview.pending).toEqual(["Mum"]);
  });
});

describe("httpAuthorizationApi", () => {
  it("names a refused secret, without the secret or its hash", async () => {
    const error = await httpAuthorizationApi(double.url, "not-the-secret")
      .listSubjects()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NightscoutApiError);
    expect(String(error)).toContain(
      "answered HTTP 401: Nightscout refused the API secret (is apiSecret the API_SECRET the site runs with?)",
    );
    expect(String(error)).not.toMatch(/not-the-secret|[0-9a-f]{40}/);
  });

  it("reports a failed write with the route, never a token or an _id", async () => {
    await reconcileAccess(api(), declare([{ name: "Grandma", roles: ["readable"], rotate: 0 }]));
    const tokens = (await listed()).map((s) => [s.accessToken, s._id]).flat();
    double.failNext("PUT /subjects");
    const error = await reconcileAccess(
      api(),
      declare([{ name: "Grandma", roles: ["careportal"], rotate: 0 }]),
    ).catch((e: unknown) => String(e));
    expect(error).toBe(
      `NightscoutApiError: PUT ${double.url}/api/v2/authorization/subjects answered HTTP 500`,
    );
    for (const t of tokens) expect(error).not.toContain(t);
  });

  it("refuses to put anything but an ObjectId into a path", async () => {
    await expect(api().removeSubject("../roles")).rejects.toThrow(
      'subjects: "../roles" is not an ObjectId',
    );
    expect(double.requests).toEqual([]);
  });

  it("names a host that does not answer", async () => {
    await double.close();
    const error = await api()
      .listRoles()
      .catch((e: unknown) => String(e));
    expect(error).toMatch(
      /^NightscoutApiError: GET http:\/\/127\.0\.0\.1:\d+\/api\/v2\/authorization\/roles: ECONNREFUSED$/,
    );
    double = await startAuthorizationDouble(SECRET, store);
  });
});
