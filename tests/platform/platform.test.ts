/**
 * platform/ under Pulumi's mocks: what it installs from the release manifests, what it changes
 * in them (namespace, resources, pinned plugin images), the outputs contract the app stacks
 * check, and its config refusals.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as yaml from "js-yaml";
import { platformProblems } from "../../config/platform";
import { BARMAN_PLUGIN, imagePinProblem } from "../../domain";
import { PLATFORM_OUTPUT_KEYS } from "../../domain/platform";
import { PlatformConfigError, parsePlatformConfig } from "../../platform/config";
import { RELEASES, loadManifest, loadRelease } from "../../platform/manifests";
import { deployPlatform } from "../../platform/program";
import { imagesOf } from "../../platform/transforms";
import { capture, type CapturedResource } from "../../tools/capture";
import { Props, manifestValidator } from "../helpers/program";

const PROJECT = "nightscout-platform";

async function renderPlatform(settings: Record<string, string> = {}) {
  const result = await capture({
    project: PROJECT,
    stack: "production",
    loadProgram: () => deployPlatform(parsePlatformConfig((key) => settings[key])),
  });
  const outputs: Record<string, unknown> = { ...result.outputs };
  const objects = result.resources.filter((r) => r.custom && r.type.startsWith("kubernetes:"));
  return { resources: result.resources, objects, outputs };
}

const kindOf = (r: CapturedResource) => (r.props as Props).kind as string;
const propsOf = (r: CapturedResource) => r.props as Props;

// One full render (a capture of the two release manifests costs seconds): the operators in
// another namespace than upstream's, with the monitoring CRDs, so every transform is exercised.
describe("CloudNative-PG 1.30.0, the Barman Cloud plugin and the monitoring CRDs in db-operators", () => {
  let rendered: Awaited<ReturnType<typeof renderPlatform>>;
  beforeAll(async () => {
    rendered = await renderPlatform({
      operatorNamespace: "db-operators",
      monitoringCrds: "install",
    });
  }, 60_000);

  test("creates the operators' CRDs, RBAC, webhooks and Deployments", () => {
    const count = (kind: string) => rendered.objects.filter((r) => kindOf(r) === kind).length;
    expect(count("CustomResourceDefinition")).toBe(14);
    expect(count("Deployment")).toBe(2);
    expect(count("ClusterRole")).toBe(12);
    expect(count("ClusterRoleBinding")).toBe(3);
    expect(count("MutatingWebhookConfiguration")).toBe(1);
    expect(count("ValidatingWebhookConfiguration")).toBe(1);
    expect(count("Certificate")).toBe(2);
    // The provider refuses apiVersion "v1" through CustomResource (seen on a real API server):
    // core objects must be registered as the typed resources.
    expect(rendered.objects.filter((r) => r.type.startsWith("kubernetes:v1:"))).toEqual([]);
    expect(rendered.objects.find((r) => kindOf(r) === "Namespace")!.type).toBe(
      "kubernetes:core/v1:Namespace",
    );
    const deployments = rendered.objects.filter((r) => kindOf(r) === "Deployment");
    expect(deployments.map((d) => propsOf(d).metadata.name).sort()).toEqual([
      "barman-cloud",
      "cnpg-controller-manager",
    ]);
  });

  test("exports the contract the app stacks check, and an app stack accepts it", () => {
    expect(Object.keys(rendered.outputs).sort()).toEqual([...PLATFORM_OUTPUT_KEYS].sort());
    expect(rendered.outputs).toEqual({
      operatorNamespace: "db-operators",
      operatorVersion: "1.30.0",
      pluginName: BARMAN_PLUGIN,
      monitoringCrdsPresent: true,
    });
    const stack = "organization/nightscout-platform/production";
    expect(platformProblems(stack, rendered.outputs, { backups: true, monitoring: true })).toEqual(
      [],
    );
  });

  test("every reference to the operator's namespace moves with it; the monitoring CRDs come along", () => {
    const { objects } = rendered;
    const text = JSON.stringify(objects.map((r) => r.props));
    expect(text).not.toMatch(/"namespace":"cnpg-system"/);
    expect(text).not.toMatch(/\.cnpg-system\.svc/);
    const webhooks = objects.filter((r) => kindOf(r).endsWith("WebhookConfiguration"));
    expect(webhooks).toHaveLength(2);
    for (const w of webhooks)
      for (const hook of propsOf(w).webhooks)
        expect(hook.clientConfig.service.namespace).toBe("db-operators");
    const binding = objects.find((r) => propsOf(r).metadata.name === "cnpg-manager-rolebinding")!;
    expect(propsOf(binding).subjects[0].namespace).toBe("db-operators");
    expect(objects.find((r) => kindOf(r) === "Namespace")!.props).toMatchObject({
      metadata: { name: "db-operators" },
    });
    const crdNames = objects
      .filter((r) => kindOf(r) === "CustomResourceDefinition")
      .map((r) => propsOf(r).metadata.name);
    expect(crdNames).toEqual(
      expect.arrayContaining([
        "podmonitors.monitoring.coreos.com",
        "prometheusrules.monitoring.coreos.com",
      ]),
    );
  });

  test("every image is pinned, and none is the plugin's testing build", () => {
    const images = imagesOf(rendered.objects.map((r) => propsOf(r) as never));
    expect(images.sort()).toEqual([
      "ghcr.io/cloudnative-pg/cloudnative-pg:1.30.0",
      "ghcr.io/cloudnative-pg/plugin-barman-cloud:v0.14.0",
    ]);
    for (const image of images) expect(imagePinProblem(image)).toBeUndefined();
    const secret = rendered.objects.find(
      (r) => kindOf(r) === "Secret" && propsOf(r).metadata.name.startsWith("plugin-barman-cloud"),
    )!;
    expect(propsOf(secret).data).toBeUndefined();
    expect(propsOf(secret).stringData).toEqual({
      SIDECAR_IMAGE: "ghcr.io/cloudnative-pg/plugin-barman-cloud-sidecar:v0.14.0",
    });
    const plugin = rendered.objects.find(
      (r) => propsOf(r).metadata.name === "barman-cloud" && kindOf(r) === "Deployment",
    )!;
    expect(propsOf(plugin).spec.template.spec.containers[0].args).not.toContain(
      "--log-level=debug",
    );
  });

  test("the containers get the configured requests and a memory limit, no CPU limit", () => {
    const resourcesOf = (name: string) =>
      propsOf(
        rendered.objects.find(
          (r) => kindOf(r) === "Deployment" && propsOf(r).metadata.name === name,
        )!,
      ).spec.template.spec.containers[0].resources;
    expect(resourcesOf("cnpg-controller-manager")).toEqual({
      requests: { cpu: "100m", memory: "100Mi" },
      limits: { memory: "200Mi" },
    });
    expect(resourcesOf("barman-cloud")).toEqual({
      requests: { cpu: "10m", memory: "64Mi" },
      limits: { memory: "128Mi" },
    });
  });

  test("CRDs and the Namespace come first: everything else depends on them", () => {
    const firstKinds = ["CustomResourceDefinition", "Namespace"];
    const cnpg = rendered.objects.filter((r) => r.opts.parent?.endsWith("OperatorRelease::cnpg"));
    const first = cnpg.filter((r) => firstKinds.includes(kindOf(r))).map((r) => r.urn);
    expect(first).toHaveLength(12);
    for (const r of cnpg.filter((r) => !firstKinds.includes(kindOf(r)))) {
      expect(r.opts.dependsOn).toEqual(expect.arrayContaining(first));
    }
  });

  test("the core objects validate strictly against their schemas, and the rest against kubernetes-models", () => {
    const strict = ["Namespace", "Secret", "Service", "ConfigMap", "Deployment"];
    const problems = rendered.objects
      .filter((r) => strict.includes(kindOf(r)))
      .flatMap((r) => manifestValidator().validate(propsOf(r)));
    expect(problems).toEqual([]);
    // Not here: cert-manager's kinds (no schema in the project), and the CRDs, which are the
    // upstream files unchanged (compared with schemas/ below) and take seconds to check; the
    // API server of npm run platform:local accepts them all.
    const skipped = ["Certificate", "Issuer", "CustomResourceDefinition"];
    const modelled = rendered.objects.filter(
      (r) => !strict.includes(kindOf(r)) && !skipped.includes(kindOf(r)),
    );
    expect(modelled.length).toBeGreaterThan(15);
    for (const r of modelled) {
      const p = propsOf(r);
      const [group, version] = p.apiVersion.includes("/")
        ? p.apiVersion.split("/")
        : ["", p.apiVersion];
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const Model = require(`kubernetes-models/${group ? `${group}/` : ""}${version}/${p.kind}`)[
        p.kind
      ];
      expect(() => new Model(p).validate()).not.toThrow();
    }
  });
});

test("the CRDs the platform installs are the ones the app is validated against (schemas/)", () => {
  const installed = [...loadRelease(RELEASES.cnpg), ...loadRelease(RELEASES.barmanCloud)];
  for (const file of [
    "postgresql.cnpg.io_clusters.yaml",
    "postgresql.cnpg.io_backups.yaml",
    "postgresql.cnpg.io_scheduledbackups.yaml",
    "barmancloud.cnpg.io_objectstores.yaml",
  ]) {
    const schema = yaml.load(
      fs.readFileSync(path.join(__dirname, "../../schemas", file), "utf8"),
    ) as Props;
    const same = installed.find(
      (o) => o.kind === "CustomResourceDefinition" && o.metadata.name === schema.metadata.name,
    );
    expect(same).toEqual(schema);
  }
});

test("installing nothing is supported: the operator managed elsewhere is reported at its version", async () => {
  const { objects, outputs } = await renderPlatform({
    installCnpg: "false",
    externalOperatorVersion: "1.25.3",
    installBarmanPlugin: "false",
    monitoringCrds: "managedElsewhere",
  });
  expect(objects).toEqual([]);
  expect(outputs).toEqual({
    operatorNamespace: "cnpg-system",
    operatorVersion: "1.25.3",
    pluginName: "",
    monitoringCrdsPresent: true,
  });
  // ...which an app stack then refuses: too old.
  expect(platformProblems("o/p/s", outputs, { backups: false, monitoring: false })[0]).toContain(
    'is "1.25.3", older than 1.26.0',
  );
});

describe("config refusals", () => {
  const refused = (values: Record<string, string>) => {
    try {
      parsePlatformConfig((k) => values[k]);
    } catch (e) {
      expect(e).toBeInstanceOf(PlatformConfigError);
      return (e as PlatformConfigError).problems;
    }
    return [];
  };
  test("the defaults are valid: everything installed in upstream's cnpg-system", () => {
    expect(refused({})).toEqual([]);
    expect(parsePlatformConfig(() => undefined)).toMatchObject({
      operatorNamespace: "cnpg-system",
      installCnpg: true,
      installBarmanPlugin: true,
      monitoringCrds: "absent",
    });
  });
  test("an operator managed elsewhere needs its version", () => {
    expect(refused({ installCnpg: "false" })).toEqual([
      "nightscout-platform:externalOperatorVersion = undefined: with installCnpg false, the stack exports the version of the operator managed elsewhere, and needs it. Fix: pulumi config set externalOperatorVersion <x.y.z> (kubectl get deploy -n <namespace> -o wide shows its image tag)",
    ]);
  });
  test("a version beside an installed operator is refused", () => {
    expect(refused({ externalOperatorVersion: "1.30.0" })[0]).toContain(
      "is only for an operator managed elsewhere",
    );
  });
  test("unknown monitoringCrds, unpinned images, bad quantities, limits below requests", () => {
    expect(
      refused({
        monitoringCrds: "yes",
        barmanPluginImage: "ghcr.io/cloudnative-pg/plugin-barman-cloud-testing:main",
        operatorCpuRequest: "lots",
        pluginMemoryLimit: "32Mi",
        operatorNamespace: "CNPG",
      }).map((p) => p.split(":")[1].split(" ")[0]),
    ).toEqual(["operatorNamespace", "monitoringCrds", "operatorCpuRequest", "pluginMemoryLimit"]);
  });
});

test("a manifest whose checksum differs from its provenance is refused before it is parsed", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "platform-"));
  const file = path.join(dir, "changed.yaml");
  fs.writeFileSync(file, "apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n");
  try {
    expect(() => loadManifest(file, RELEASES.cnpg.sha256)).toThrow(`sha256 is ${"e".repeat(0)}`);
    expect(() => loadManifest(file, RELEASES.cnpg.sha256)).toThrow(
      /, its provenance records f8bede43.*Fix: restore the upstream file/,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
