/**
 * The access reconciler's contract with the real FerretDB: the stand-in for Nightscout's
 * authorization API (tests/helpers/nightscout-authorization-double.ts) keeps its subjects and
 * roles in FerretDB v1.24.2 on PostgreSQL, in Nightscout's own collections, and the stack's
 * tokens must match the ones derived from the `_id`s FerretDB stored.
 */
import { MongoClient } from "mongodb";
import { apiSecretHeader, httpAuthorizationApi } from "../../access/nightscout-api";
import { reconcileAccess } from "../../access/reconcile";
import { accessToken } from "../../domain/access";
import { managedRole } from "../../domain/access-plan";
import {
  type AuthorizationDouble,
  mongoStore,
  startAuthorizationDouble,
} from "../helpers/nightscout-authorization-double";
import { startHarness, type Harness } from "./harness";

const SECRET = "a-long-enough-api-secret";
let h: Harness;
let client: MongoClient;
let double: AuthorizationDouble;

beforeAll(async () => {
  h = await startHarness();
  client = new MongoClient(h.uri());
  await client.connect();
  double = await startAuthorizationDouble(SECRET, mongoStore(client.db(h.database)));
});
afterAll(async () => {
  await double?.close();
  await client?.close();
  await h?.stop();
});

test("subjects and roles land in Nightscout's collections, and a second run changes nothing", async () => {
  const api = httpAuthorizationApi(double.url, SECRET);
  const declaration = {
    subjects: [
      { name: "Grandma", roles: ["readable"], rotate: 0 },
      { name: "School", roles: ["carbs"], rotate: 1 },
    ],
    roles: [{ name: "carbs", permissions: ["api:treatments:create"] }],
  };
  const first = await reconcileAccess(api, declaration);
  expect(first.changed).toBe(true);

  const db = client.db(h.database);
  const subjects = await db.collection("auth_subjects").find({}).sort({ name: 1 }).toArray();
  expect(subjects.map((s) => [s.name, s.roles])).toEqual([
    ["Grandma", ["readable", managedRole(0)]],
    ["School", ["carbs", managedRole(1)]],
  ]);
  const roles = await db.collection("auth_roles").find({}).toArray();
  expect(roles.map((r) => [r.name, r.permissions])).toEqual([["carbs", ["api:treatments:create"]]]);

  const listed = (await (
    await fetch(`${double.url}/api/v2/authorization/subjects`, {
      headers: {
        "api-secret": apiSecretHeader(SECRET),
      },
    })
  ).json()) as { _id: string; name: string; accessToken: string }[];
  for (const s of first.subjects) {
    expect(subjects.some((d) => d._id.toHexString() === s._id)).toBe(true);
    expect(accessToken(s, SECRET)).toBe(listed.find((l) => l._id === s._id)!.accessToken);
  }

  const second = await reconcileAccess(api, declaration);
  expect(second).toEqual({ subjects: first.subjects, pending: [], report: [], changed: false });
});
