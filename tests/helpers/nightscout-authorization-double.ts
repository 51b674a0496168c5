/**
 * A stand-in for Nightscout 15.0.7's authorization API, because no registry serves Nightscout
 * (npm has only nightscout@0.12.8, for Node 12): the routes of lib/authorization/endpoints.js
 * on loopback, answering as they do. Subjects are listed as `{ _id, name, accessToken, roles }`
 * (no notes), sorted by name, each token computed as lib/server/enclave.js does, on its own
 * lines rather than through domain/access.ts, so a test can hold the stack's derivation to it;
 * roles are listed whole, the built-in ones without an _id unless saved; POST inserts with a
 * new ObjectId and created_at, PUT saves the whole body by _id, DELETE removes by _id; anything
 * but the API secret's SHA-1 in `api-secret` gets 401. Documents are kept in a `DocumentStore`:
 * in memory, or a real MongoDB server's collections (auth_subjects, auth_roles), as Nightscout
 * keeps them.
 */
import { createHash, randomBytes } from "node:crypto";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { type Db, ObjectId } from "mongodb";

export type Collection = "subjects" | "roles";
export type Doc = Record<string, unknown> & { _id: string };

export interface DocumentStore {
  list(collection: Collection): Promise<Doc[]>;
  /** Inserts, or replaces the document with the same _id. */
  save(collection: Collection, doc: Doc): Promise<void>;
  remove(collection: Collection, _id: string): Promise<void>;
}

export function memoryStore(): DocumentStore {
  const docs: Record<Collection, Map<string, Doc>> = { subjects: new Map(), roles: new Map() };
  return {
    list: async (c) => [...docs[c].values()].map((d) => structuredClone(d)),
    save: async (c, doc) => void docs[c].set(doc._id, structuredClone(doc)),
    remove: async (c, _id) => void docs[c].delete(_id),
  };
}

/**
 * The documents in a MongoDB database, as Nightscout keeps them: `auth_subjects` and
 * `auth_roles` (its default authentication_collections_prefix), `_id` an ObjectId.
 */
export function mongoStore(db: Db): DocumentStore {
  const collection = (c: Collection) => db.collection(`auth_${c}`);
  return {
    list: async (c) =>
      (await collection(c).find({}).toArray()).map((d) => ({ ...d, _id: d._id.toHexString() })),
    save: async (c, { _id, ...doc }) =>
      void (await collection(c).replaceOne({ _id: new ObjectId(_id) }, doc, { upsert: true })),
    remove: async (c, _id) => void (await collection(c).deleteOne({ _id: new ObjectId(_id) })),
  };
}

/** Nightscout 15.0.7's storage.defaultRoles. */
const DEFAULT_ROLES = [
  { name: "admin", permissions: ["*"] },
  { name: "denied", permissions: [] },
  { name: "status-only", permissions: ["api:status:read"] },
  { name: "readable", permissions: ["*:*:read"] },
  { name: "careportal", permissions: ["api:treatments:create"] },
  { name: "devicestatus-upload", permissions: ["api:devicestatus:create"] },
  { name: "activity", permissions: ["api:activity:create"] },
];

const sha1 = (text: string) => createHash("sha1").update(text).digest("hex");
const byName = (a: Doc, b: Doc) => String(a.name).localeCompare(String(b.name));

export interface AuthorizationDouble {
  url: string;
  /** Every request seen, as `METHOD path`, for tests that count calls. */
  requests: string[];
  /** Makes the next requests matching `route` (`PUT /subjects`) answer HTTP 500. */
  failNext(route: string): void;
  close(): Promise<void>;
}

/** `port` 0 lets the kernel pick; an e2e test passes the port kwok forwards Nightscout to. */
export async function startAuthorizationDouble(
  apiSecret: string,
  store: DocumentStore = memoryStore(),
  port = 0,
): Promise<AuthorizationDouble> {
  const requests: string[] = [];
  const failing = new Set<string>();
  const enclaveHash = sha1(apiSecret);
  const token = (doc: Doc) => {
    const abbrev = String(doc.name).toLowerCase().replace(/[\W]/g, "").substring(0, 10);
    const digest = createHash("sha1").update(enclaveHash).update(doc._id).digest("hex");
    return `${abbrev}-${digest.substring(0, 16)}`;
  };

  async function handle(method: string, route: string, body: unknown): Promise<[number, unknown]> {
    const [, collection, id] = /^\/(subjects|roles)(?:\/([^/]+))?$/.exec(route) ?? [];
    if (!collection) return [404, { status: 404, message: "Not Found" }];
    const c = collection as Collection;
    if (method === "GET" && !id) {
      const docs = (await store.list(c)).sort(byName);
      if (c === "subjects") {
        return [
          200,
          docs.map((d) => ({ _id: d._id, name: d.name, accessToken: token(d), roles: d.roles })),
        ];
      }
      const missing = DEFAULT_ROLES.filter((r) => !docs.some((d) => d.name === r.name));
      return [
        200,
        [...docs, ...missing].sort((a, b) => String(a.name).localeCompare(String(b.name))),
      ];
    }
    if (method === "POST" && !id) {
      const doc = { ...(body as object), _id: randomBytes(12).toString("hex") } as Doc;
      doc.created_at ??= new Date().toISOString();
      await store.save(c, doc);
      return [200, [doc]];
    }
    if (method === "PUT" && !id) {
      const doc = body as Doc;
      // new ObjectID(obj._id) throws on anything else; Nightscout answers 500.
      if (!/^[0-9a-f]{24}$/.test(String(doc?._id)))
        return [500, { status: 500, message: "Mongo Error" }];
      doc.created_at ??= new Date().toISOString();
      await store.save(c, doc);
      return [200, doc];
    }
    if (method === "DELETE" && id) {
      if (!/^[0-9a-f]{24}$/.test(id)) return [500, { status: 500, message: "Mongo Error" }];
      await store.remove(c, id);
      return [200, {}];
    }
    return [404, { status: 404, message: "Not Found" }];
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const route = (req.url ?? "").replace(/^\/api\/v2\/authorization/, "").replace(/\?.*$/, "");
      const key = `${req.method} ${route.replace(/\/[0-9a-f]{24}$/, "")}`;
      requests.push(key);
      const reply = (status: number, answer: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(answer));
      };
      if (!(req.url ?? "").startsWith("/api/v2/authorization/")) return reply(404, {});
      if (req.headers["api-secret"] !== enclaveHash) {
        return reply(401, { status: 401, message: "Unauthorized", description: "Invalid/Missing" });
      }
      if (failing.delete(key)) return reply(500, { status: 500, message: "Mongo Error" });
      let body: unknown;
      try {
        body = chunks.length > 0 ? JSON.parse(Buffer.concat(chunks).toString("utf8")) : undefined;
      } catch {
        return reply(400, { status: 400, message: "Bad Request" });
      }
      handle(req.method ?? "GET", route, body).then(
        ([status, answer]) => reply(status, answer),
        () => reply(500, { status: 500, message: "Mongo Error" }),
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${bound}`,
    requests,
    failNext: (route) => void failing.add(route),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
