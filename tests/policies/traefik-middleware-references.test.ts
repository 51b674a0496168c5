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

  describe("boundaries", () => {
    const withRefs = (refs: string) =>
      set(ingress(), "metadata.annotations", {
        "traefik.ingress.kubernetes.io/router.middlewares": refs,
      });

    it("names the Ingress and keys the Middleware by metadata.name, not the Pulumi names", async () => {
      const middleware = { ...redirectMiddleware(), name: "redirect-resource" };
      const ing = { ...ingress(), name: "ingress-resource" };
      expect((await runStackPolicy(policy, [ing, middleware])).violations).toEqual([]);
      const stray = withRefs("nightscout-gone@kubernetescrd");
      expect(
        (await runStackPolicy(policy, [{ ...stray, name: "ingress-resource" }, middleware]))
          .violations,
      ).toEqual([
        'Ingress "nightscout" references middleware "nightscout-gone@kubernetescrd", which is not a Middleware in this stack (known: nightscout-redirect-https@kubernetescrd); Traefik then drops the whole router.',
        'Ingress "nightscout" references no Middleware with spec.redirectScheme.scheme: https.',
      ]);
    });

    it("falls back to the Pulumi names when metadata.name is unset", async () => {
      const middleware = set(redirectMiddleware(), "metadata.name", REMOVE);
      const ing = set(withRefs("nightscout-gone@kubernetescrd"), "metadata.name", REMOVE);
      expect((await runStackPolicy(policy, [ing, middleware])).violations).toEqual([
        'Ingress "nightscout" references middleware "nightscout-gone@kubernetescrd", which is not a Middleware in this stack (known: nightscout-redirect-https@kubernetescrd); Traefik then drops the whole router.',
        'Ingress "nightscout" references no Middleware with spec.redirectScheme.scheme: https.',
      ]);
    });

    it("lists every known Middleware when a reference is missing", async () => {
      const other = (name: string) =>
        set(set(redirectMiddleware(), "metadata.namespace", "traefik"), "metadata.name", name);
      expect(
        (await runStackPolicy(policy, [ingress(), other("a"), { ...other("b"), name: "b" }]))
          .violations,
      ).toEqual([
        'Ingress "nightscout" references middleware "nightscout-redirect-https@kubernetescrd", which is not a Middleware in this stack (known: traefik-a@kubernetescrd, traefik-b@kubernetescrd); Traefik then drops the whole router.',
        'Ingress "nightscout" references no Middleware with spec.redirectScheme.scheme: https.',
      ]);
    });

    it("reads the annotation on Ingresses only", async () => {
      // Traefik reads router.middlewares from an Ingress; on a Service it configures nothing.
      const service = {
        type: "kubernetes:core/v1:Service",
        name: "nightscout",
        props: {
          metadata: {
            name: "nightscout",
            namespace: "nightscout",
            annotations: {
              "traefik.ingress.kubernetes.io/router.middlewares": "nightscout-gone@kubernetescrd",
            },
          },
        },
      };
      expect((await runStackPolicy(policy, [service, redirectMiddleware()])).notApplicable).toBe(
        "No Ingress references a Traefik middleware",
      );
    });

    it("says none when the stack has no Middleware at all", async () => {
      expect((await runStackPolicy(policy, [ingress()])).violations).toEqual([
        'Ingress "nightscout" references middleware "nightscout-redirect-https@kubernetescrd", which is not a Middleware in this stack (known: none); Traefik then drops the whole router.',
        'Ingress "nightscout" references no Middleware with spec.redirectScheme.scheme: https.',
      ]);
    });

    it("checks @kubernetescrd references only, and is content with one redirect among them", async () => {
      const fileOnly = withRefs("redirect@file");
      expect((await runStackPolicy(policy, [fileOnly, redirectMiddleware()])).violations).toEqual(
        [],
      );
      const headers = {
        ...set(redirectMiddleware(), "spec", { headers: { stsSeconds: 1 } }),
        name: "headers",
      };
      const headersNamed = set(headers, "metadata.name", "headers");
      const both = withRefs(
        "nightscout-headers@kubernetescrd,nightscout-redirect-https@kubernetescrd",
      );
      expect(
        (await runStackPolicy(policy, [both, headersNamed, redirectMiddleware()])).violations,
      ).toEqual([]);
    });

    it("an Ingress that references nothing is not checked beside one that does", async () => {
      const plain = { ...set(ingress(), "metadata.annotations", REMOVE), name: "plain" };
      expect(
        (await runStackPolicy(policy, [plain, ingress(), redirectMiddleware()])).violations,
      ).toEqual([]);
    });
  });
});
