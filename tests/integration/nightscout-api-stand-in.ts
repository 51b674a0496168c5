/**
 * A STAND-IN for Nightscout 15.0.7's `GET /api/v1/entries/current.json`, the one request the
 * glucose exporter makes. The real Nightscout cannot run here (no package registry serves
 * 15.0.7; npm's nightscout@0.12.8 needs Node <= 12), so this small server of the tests' own
 * answers in its place, from the real FerretDB, as the live tests against Nightscout 15.0.7
 * showed it answering before its source archive was dropped (issue 18):
 *
 *   - the newest document of `entries` by `date`, as a one-element JSON array, `_id` as hex;
 *   - 401 unless `api-secret` is the SHA-1 of API_SECRET or the access token of a subject that
 *     may read (Nightscout 15 looks an `api-secret` that is not the secret up as an access
 *     token: lib/authorization/index.js, doesAccessTokenExist), when AUTH_DEFAULT_ROLES does
 *     not let anonymous visitors read;
 *   - with INSECURE_USE_HTTP=false, a redirect to https:// unless `X-Forwarded-Proto: https`
 *     says the request came through TLS, as it does behind Traefik.
 *
 * Its settings are the rendered Nightscout container's env, so a stack that renders them
 * differently is served differently. What it cannot show is that the real Nightscout answers
 * in this shape; docs/data-path.md lists that as no longer verified live.
 */
import { createHash } from "node:crypto";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { BSON, MongoClient } from "mongodb";

export interface NightscoutApiStandIn {
  readonly url: string;
  /** Requests answered so far, by status: the exporter really asked. */
  answered(): Record<number, number>;
  close(): Promise<void>;
}

export async function startNightscoutApiStandIn(opts: {
  /** The rendered Nightscout container env (API_SECRET, AUTH_DEFAULT_ROLES, INSECURE_USE_HTTP). */
  env: Record<string, string>;
  /** A MongoDB URI of the FerretDB it reads, with the database Nightscout uses. */
  mongoUri: string;
  /** Access tokens of subjects with the readable role, accepted in `api-secret` too. */
  readTokens?: readonly string[];
}): Promise<NightscoutApiStandIn> {
  const { env } = opts;
  if (!env.API_SECRET) throw new Error("the rendered Nightscout env has no API_SECRET");
  const secretHash = createHash("sha1").update(env.API_SECRET).digest("hex");
  const anonymousReads = (env.AUTH_DEFAULT_ROLES ?? "").split(/\s+/).includes("readable");
  const httpsOnly = env.INSECURE_USE_HTTP !== "true";
  const client = new MongoClient(opts.mongoUri, { serverSelectionTimeoutMS: 5_000 });
  await client.connect();
  const counts: Record<number, number> = {};

  const server = http.createServer((req, res) => {
    const answer = (status: number, body: string, headers: http.OutgoingHttpHeaders = {}) => {
      counts[status] = (counts[status] ?? 0) + 1;
      res.writeHead(status, { "content-type": "application/json", ...headers }).end(body);
    };
    const url = new URL(req.url ?? "/", "http://stand-in");
    if (httpsOnly && req.headers["x-forwarded-proto"] !== "https") {
      answer(302, "", { location: `https://${req.headers.host ?? "nightscout"}${url.pathname}` });
      return;
    }
    if (req.method !== "GET" || url.pathname !== "/api/v1/entries/current.json") {
      answer(404, JSON.stringify({ status: 404, message: "not served by the stand-in" }));
      return;
    }
    const credential = req.headers["api-secret"];
    const mayRead =
      credential === secretHash || (opts.readTokens ?? []).includes(String(credential));
    if (!anonymousReads && !mayRead) {
      answer(401, JSON.stringify({ status: 401, message: "Unauthorized" }));
      return;
    }
    client
      .db()
      .collection("entries")
      .find({}, { sort: { date: -1 }, limit: 1 })
      .toArray()
      .then(
        (docs) =>
          answer(
            200,
            JSON.stringify(
              docs.map((d) => ({
                ...(BSON.EJSON.serialize(d, { relaxed: true }) as object),
                _id: String(d._id),
              })),
            ),
          ),
        (err: Error) => answer(500, JSON.stringify({ status: 500, message: err.message })),
      );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    answered: () => ({ ...counts }),
    close: async () => {
      await new Promise((resolve) => server.close(resolve));
      await client.close();
    },
  };
}
