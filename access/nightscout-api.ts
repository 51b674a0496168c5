/**
 * Nightscout 15.0.7's authorization API (lib/authorization/endpoints.js), as the access
 * reconciler uses it: subjects and roles listed, created, saved whole and removed, with the API
 * secret's SHA-1 in the `api-secret` header, which grants admin. A listed subject carries its
 * access token: nothing read here is ever put in a message, only names, `_id`s and statuses.
 */
import { createHash } from "node:crypto";
import { displayHttpUrl } from "../check/redact";

export interface ApiSubject {
  _id: string;
  name: string;
  roles: string[];
}
export interface ApiRole {
  _id?: string;
  name: string;
  permissions: string[];
  notes?: string;
}

export class NightscoutApiError extends Error {
  override name = "NightscoutApiError";
}

/** The calls the reconciler makes; a test may hand it any implementation. */
export interface AuthorizationApi {
  listSubjects(): Promise<ApiSubject[]>;
  createSubject(subject: Omit<ApiSubject, "_id">): Promise<void>;
  saveSubject(subject: ApiSubject): Promise<void>;
  removeSubject(_id: string): Promise<void>;
  listRoles(): Promise<ApiRole[]>;
  createRole(role: Omit<ApiRole, "_id">): Promise<void>;
  saveRole(role: ApiRole & { _id: string }): Promise<void>;
  removeRole(_id: string): Promise<void>;
}

/** The API secret as Nightscout's `api-secret` header carries it. */
export function apiSecretHeader(apiSecret: string): string {
  return createHash("sha1").update(apiSecret).digest("hex");
}

const OBJECT_ID = /^[0-9a-f]{24}$/;

/** The client over HTTP: `baseUrl` is the site (`https://ns.example.org`, or a forward's end). */
export function httpAuthorizationApi(
  baseUrl: string,
  apiSecret: string,
  timeoutMs = 15_000,
): AuthorizationApi {
  const root = `${baseUrl.replace(/\/$/, "")}/api/v2/authorization`;
  const secretHeader = apiSecretHeader(apiSecret);

  async function call(method: string, path: string, body?: unknown): Promise<unknown> {
    const shown = `${method} ${displayHttpUrl(root)}${path.replace(/\/[0-9a-f]{24}$/, "/<_id>")}`;
    let response: Response;
    let text: string;
    try {
      response = await fetch(`${root}${path}`, {
        method,
        headers: {
          accept: "application/json",
          "api-secret": secretHeader,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await response.text();
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      const why =
        e.name === "TimeoutError" ? `no answer in ${timeoutMs} ms` : (e.cause?.code ?? e.name);
      throw new NightscoutApiError(`${shown}: ${why}`);
    }
    if (response.status === 401 || response.status === 403) {
      throw new NightscoutApiError(
        `${shown} answered HTTP ${response.status}: Nightscout refused the API secret (is apiSecret the API_SECRET the site runs with?)`,
      );
    }
    if (response.status !== 200) {
      throw new NightscoutApiError(`${shown} answered HTTP ${response.status}`);
    }
    try {
      return JSON.parse(text);
    } catch {
      throw new NightscoutApiError(`${shown} did not answer JSON (is this the Nightscout site?)`);
    }
  }

  /** A list; each item needs a name, and an _id unless `builtInWithoutId` allows none. */
  function list<T>(path: string, what: string, builtInWithoutId = false) {
    return async (): Promise<T[]> => {
      const answer = await call("GET", path);
      const valid = (x: { _id?: unknown; name?: unknown } | null) =>
        typeof x?.name === "string" &&
        (typeof x._id === "string" || (builtInWithoutId && x._id === undefined));
      if (!Array.isArray(answer) || !answer.every(valid)) {
        throw new NightscoutApiError(`GET ${path} did not answer a list of ${what} with names`);
      }
      return answer as T[];
    };
  }

  const idPath = (collection: string, _id: string) => {
    // An _id goes into the path: only Nightscout's own ObjectIds are sent.
    if (!OBJECT_ID.test(_id))
      throw new NightscoutApiError(`${collection}: ${JSON.stringify(_id)} is not an ObjectId`);
    return `/${collection}/${_id}`;
  };

  return {
    listSubjects: async () =>
      (await list<ApiSubject & { accessToken?: string }>("/subjects", "subjects")()).map(
        // The token Nightscout lists is dropped at once: the stack computes its own.
        ({ _id, name, roles }) => ({ _id, name, roles: Array.isArray(roles) ? roles : [] }),
      ),
    createSubject: async (subject) => void (await call("POST", "/subjects", subject)),
    saveSubject: async (subject) => void (await call("PUT", "/subjects", subject)),
    removeSubject: async (_id) => void (await call("DELETE", idPath("subjects", _id))),
    // Nightscout lists its built-in roles without an _id until one is saved: not the stack's.
    listRoles: list<ApiRole>("/roles", "roles", true),
    createRole: async (role) => void (await call("POST", "/roles", role)),
    saveRole: async (role) => void (await call("PUT", "/roles", role)),
    removeRole: async (_id) => void (await call("DELETE", idPath("roles", _id))),
  };
}
