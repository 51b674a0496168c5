/**
 * The contract the stand-in for Nightscout 15.0.7's authorization API is held to, written from
 * lib/authorization/endpoints.js and storage.js rather than from the stand-in: the routes under
 * /api/v2/authorization, their status codes, what a listed subject carries, the default roles
 * listed without an `_id`, and the token computed from the subject (recomputed here on its own,
 * not with domain/access.ts, so a wrong stand-in and a wrong stack cannot agree by accident).
 */
import { createHash } from "node:crypto";
import {
  type AuthorizationDouble,
  startAuthorizationDouble,
} from "./nightscout-authorization-double";

const SECRET = "contract-api-secret-1";
const hex = (text: string) => createHash("sha1").update(text).digest("hex");

let double: AuthorizationDouble;
beforeEach(async () => {
  double = await startAuthorizationDouble(SECRET);
});
afterEach(() => double.close());

async function call(method: string, route: string, body?: unknown, secret: string | null = SECRET) {
  const response = await fetch(`${double.url}/api/v2/authorization${route}`, {
    method,
    headers: {
      "content-type": "application/json",
      ...(secret === null ? {} : { "api-secret": hex(secret) }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as unknown };
}

describe("the authorization stand-in's contract (Nightscout 15.0.7)", () => {
  it("answers 401 Unauthorized without the API secret's SHA-1, or with another's", async () => {
    for (const secret of [null, "another-secret-value"]) {
      expect(await call("GET", "/subjects", undefined, secret)).toEqual({
        status: 401,
        body: { status: 401, message: "Unauthorized", description: "Invalid/Missing" },
      });
    }
  });

  it("POST /subjects answers the created subject in a list, with a 24-hex _id", async () => {
    const created = await call("POST", "/subjects", { name: "Grandma", roles: ["readable"] });
    expect(created.status).toBe(200);
    expect(created.body).toEqual([
      {
        _id: expect.stringMatching(/^[0-9a-f]{24}$/),
        name: "Grandma",
        roles: ["readable"],
        created_at: expect.any(String),
      },
    ]);
  });

  it("GET /subjects lists _id, name, accessToken and roles only, the token derived from the _id", async () => {
    await call("POST", "/subjects", {
      name: "Ömer's iPhone 15 Pro Max",
      roles: ["readable"],
      notes: "x",
    });
    const listed = await call("GET", "/subjects");
    expect(listed.status).toBe(200);
    const [subject] = listed.body as Record<string, string>[];
    expect(Object.keys(subject).sort()).toEqual(["_id", "accessToken", "name", "roles"]);
    // abbrev: lowercased, non-word characters dropped, 10 characters; digest: sha1(hex(sha1(secret)) + _id).
    const digest = createHash("sha1").update(hex(SECRET)).update(subject._id).digest("hex");
    expect(subject.accessToken).toBe(`mersiphone-${digest.slice(0, 16)}`);
  });

  it("PUT /subjects saves by _id (the token stays); DELETE /subjects/:_id answers {} and revokes", async () => {
    const [made] = (await call("POST", "/subjects", { name: "Nurse", roles: ["readable"] }))
      .body as { _id: string }[];
    const before = ((await call("GET", "/subjects")).body as { accessToken: string }[])[0];
    const saved = await call("PUT", "/subjects", {
      _id: made._id,
      name: "Nurse",
      roles: ["careportal"],
    });
    expect(saved.status).toBe(200);
    const after = (
      (await call("GET", "/subjects")).body as { accessToken: string; roles: string[] }[]
    )[0];
    expect(after).toMatchObject({ accessToken: before.accessToken, roles: ["careportal"] });
    expect(await call("DELETE", `/subjects/${made._id}`)).toEqual({ status: 200, body: {} });
    expect((await call("GET", "/subjects")).body).toEqual([]);
  });

  it("GET /roles lists the default roles without an _id, and stored roles with theirs", async () => {
    const before = (await call("GET", "/roles")).body as { name: string; _id?: string }[];
    expect(before.map((r) => r.name).sort()).toEqual([
      "activity",
      "admin",
      "careportal",
      "denied",
      "devicestatus-upload",
      "readable",
      "status-only",
    ]);
    expect(before.every((r) => r._id === undefined)).toBe(true);
    expect(before.find((r) => r.name === "readable")).toEqual({
      name: "readable",
      permissions: ["*:*:read"],
    });
    await call("POST", "/roles", {
      name: "carbs",
      permissions: ["api:treatments:create"],
      notes: "n",
    });
    const after = (await call("GET", "/roles")).body as { name: string; _id?: string }[];
    expect(after.find((r) => r.name === "carbs")?._id).toMatch(/^[0-9a-f]{24}$/);
  });

  it("answers a PUT or DELETE with an _id that is no ObjectId as Nightscout does: 500 Mongo Error", async () => {
    expect((await call("PUT", "/subjects", { _id: "nope", name: "x" })).status).toBe(500);
    expect(await call("DELETE", "/roles/nope")).toEqual({
      status: 500,
      body: { status: 500, message: "Mongo Error" },
    });
  });

  it("answers 404 outside its routes", async () => {
    expect((await call("GET", "/permissions/unknown")).status).toBe(404);
    expect((await call("PATCH", "/subjects")).status).toBe(404);
  });
});
