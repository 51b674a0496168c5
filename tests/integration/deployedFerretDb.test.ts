/**
 * FerretDB 2.7.0, the version the program deploys, on the DocumentDB built here (0.106.0, the
 * pair of 2.5.0; 0.107.0 is not available as source here). The other suites run the exact pair;
 * this one shows the deployed FerretDB serves the check on the real extension too.
 */
import { DEFAULT_IMAGES, parseImage } from "../../domain";
import { lines, runCli } from "./cli";
import { startHarness, type Harness } from "./harness";

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ ferretdb: "deployed" });
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

it("is the version the program deploys", () => {
  expect(`v${parseImage(DEFAULT_IMAGES.ferretdb).tag}`).toBe(h.versions.ferretdb);
});

it("passes the post-deploy check CLI", async () => {
  const run = await runCli({ MONGODB_URI: h.uri(), CHECK_DEADLINE_MS: "30000" });
  expect(run.code).toBe(0);
  expect(JSON.parse(lines(run.stdout)[0])).toMatchObject({ ok: true, attempts: 1 });
});
