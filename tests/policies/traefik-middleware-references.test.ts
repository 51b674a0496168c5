import { traefikMiddlewareReferences as policy } from "../../policies/rules/traefik-middleware-references";
import { ingress, nightscoutDeployment, redirectMiddleware } from "./fixtures";
import { REMOVE, runStackPolicy, set } from "./helpers";

describe("traefik-middleware-references", () => {
  it("passes an ingress referencing an existing redirect middleware", async () => {
    expect((await runStackPolicy(policy, [ingress(), redirectMiddleware()])).violations).toEqual(
      [],
    );
  });

  it("is not applicable when no ingress references middlewares", async () => {
    const plain = set(ingress(), "metadata.annotations", REMOVE);
    expect((await runStackPolicy(policy, [plain, nightscoutDeployment()])).notApplicable).toBe(
      "No Ingress references a Traefik middleware",
    );
  });

  it("reports a reference to a middleware not in the stack", async () => {
    const wrongNs = set(redirectMiddleware(), "metadata.namespace", "traefik");
    expect((await runStackPolicy(policy, [ingress(), wrongNs])).violations).toEqual([
      'Ingress "nightscout" references middleware "nightscout-redirect-https@kubernetescrd", which is not a Middleware in this stack (known: traefik-redirect-https@kubernetescrd); Traefik then drops the whole router.',
      'Ingress "nightscout" references no Middleware with spec.redirectScheme.scheme: https.',
    ]);
  });

  it("reports middlewares none of which redirects to https", async () => {
    const headers = set(redirectMiddleware(), "spec", { headers: { stsSeconds: 31536000 } });
    expect((await runStackPolicy(policy, [ingress(), headers])).violations).toEqual([
      'Ingress "nightscout" references no Middleware with spec.redirectScheme.scheme: https.',
    ]);
  });
});
