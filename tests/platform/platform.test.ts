/**
 * platform/ under Pulumi's mocks: what it installs from the release manifests, what it changes
 * in them (namespace, resources, pinned plugin images), the outputs contract the app stacks
 * check, and its config refusals.
 */
import { spawn, type ChildProcess } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as yaml from "js-yaml";
import { platformProblems } from "../../config/platform";
import { BARMAN_PLUGIN, imagePinProblem } from "../../domain";
import { PLATFORM_OUTPUT_KEYS } from "../../domain/platform";
import { ConfigError } from "../../config";
import { parsePlatformConfig } from "../../platform/config";
import {
  MONITORING_CRDS,
  RELEASES,
  loadManifest,
  loadPinned,
  loadRelease,
} from "../../platform/manifests";
import { deployPlatform } from "../../platform/program";
import { imagesOf } from "../../platform/transforms";
import { capture, type CapturedResource } from "../../tools/lib/capture";
import { crdDir, manifestPath } from "../../tools/lib/upstream-files";
import { Props, manifestValidator } from "../helpers/program";

const PROJECT = "nightscout-platform";

/** The platform's settings as the engine hands them over: `nightscout-platform:<key>`. */
function source(settings: Record<string, string>) {
  const full = Object.fromEntries(Object.entries(settings).map(([k, v]) => [`${PROJECT}:${k}`, v]));
  return { read: (key: string) => full[key], project: PROJECT, keys: Object.keys(full) };
}

async function renderPlatform(settings: Record<string, string> = {}) {
  const result = await capture({
    project: PROJECT,
    stack: "production",
    loadProgram: () => deployPlatform(parsePlatformConfig(source(settings))),
    // A CRD answers with its metadata only: its schema would go through the mocks' protobuf
    // twice more (most of a render's seconds), and nothing reads a CRD's outputs but its name.
    respond: (args) =>
      args.type === "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition"
        ? { state: { metadata: (args.inputs as { metadata?: unknown }).metadata } }
        : undefined,
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
    // upstream files unchanged (compared below with the CRDs the app is checked against) and
    // take seconds to check; the API server of npm run up:platform accepts them all.
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

test("the CRDs the platform installs are the ones the app is validated against (the fetcher's CRD folder)", () => {
  const installed = [...loadRelease(RELEASES.cnpg), ...loadRelease(RELEASES.barmanCloud)];
  for (const file of [
    "postgresql.cnpg.io_clusters.yaml",
    "postgresql.cnpg.io_backups.yaml",
    "postgresql.cnpg.io_scheduledbackups.yaml",
    "barmancloud.cnpg.io_objectstores.yaml",
  ]) {
    const schema = yaml.load(fs.readFileSync(path.join(crdDir(), file), "utf8")) as Props;
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

describe("config refusals: nightscout-platform:<key>, the value and the fix, all at once", () => {
  const refused = (values: Record<string, string>) => {
    try {
      parsePlatformConfig(source(values));
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      return (e as ConfigError).problems;
    }
    return [];
  };
  test("a namespace that only looks like the project's is refused, another project's is not", () => {
    const slipped = parsePlatformConfig.bind(null, {
      read: () => undefined,
      project: PROJECT,
      keys: ["nightscout-platfrom:operatorNamespace", "nightscout:hostname"],
    });
    expect(slipped).toThrow(
      'nightscout-platfrom:operatorNamespace: "nightscout-platfrom" is not this project\'s namespace "nightscout-platform", so the program would never read this key',
    );
    expect(slipped).not.toThrow(/nightscout:hostname/);
  });

  test("the defaults are valid: everything installed in upstream's cnpg-system", () => {
    expect(refused({})).toEqual([]);
    expect(parsePlatformConfig(source({}))).toEqual({
      provider: { context: undefined, renderYamlToDirectory: undefined },
      operatorNamespace: "cnpg-system",
      installCnpg: true,
      externalOperatorVersion: undefined,
      installBarmanPlugin: true,
      monitoringCrds: "absent",
      operatorResources: { cpuRequest: "100m", memoryRequest: "100Mi", memoryLimit: "200Mi" },
      pluginResources: { cpuRequest: "10m", memoryRequest: "64Mi", memoryLimit: "128Mi" },
      barmanPluginImage: "ghcr.io/cloudnative-pg/plugin-barman-cloud:v0.14.0",
      barmanSidecarImage: "ghcr.io/cloudnative-pg/plugin-barman-cloud-sidecar:v0.14.0",
    });
  });
  test("an empty value is unset, as the engine's declared defaults are", () => {
    expect(parsePlatformConfig(source({ operatorNamespace: "", kubeContext: "" }))).toMatchObject({
      operatorNamespace: "cnpg-system",
      provider: { context: undefined },
    });
  });
  test("an operator managed elsewhere needs its version, and a version it is", () => {
    const fix =
      "Fix: pulumi config set externalOperatorVersion <x.y.z> (kubectl get deploy -n <namespace> -o wide shows its image tag)";
    expect(refused({ installCnpg: "false" })).toEqual([
      `nightscout-platform:externalOperatorVersion = undefined: with installCnpg false, the stack exports the version of the operator managed elsewhere, and needs it. ${fix}`,
    ]);
    expect(refused({ installCnpg: "false", externalOperatorVersion: "latest" })).toEqual([
      `nightscout-platform:externalOperatorVersion = "latest": is not a version (x.y.z); the app stacks compare it with the oldest operator they work with. ${fix}`,
    ]);
    expect(
      parsePlatformConfig(source({ installCnpg: "false", externalOperatorVersion: "1.27.1" })),
    ).toMatchObject({ installCnpg: false, externalOperatorVersion: "1.27.1" });
  });
  test("a version beside an installed operator is refused", () => {
    expect(refused({ externalOperatorVersion: "1.30.0" })).toEqual([
      'nightscout-platform:externalOperatorVersion = "1.30.0": is only for an operator managed elsewhere; this stack installs its own. Fix: pulumi config rm externalOperatorVersion (or pulumi config set installCnpg false)',
    ]);
  });
  test("each refusal of a value names the key, the value and a value that works", () => {
    expect(
      refused({
        operatorNamespace: "CNPG",
        installCnpg: "yes",
        monitoringCrds: "yes",
        operatorCpuRequest: "lots",
        operatorMemoryRequest: "512MB",
        pluginMemoryLimit: "32Mi",
        barmanPluginImage: "ghcr.io/cloudnative-pg/plugin-barman-cloud-testing:main",
        barmanSidecarImage: "ghcr.io/cloudnative-pg/plugin-barman-cloud-sidecar",
      }),
    ).toEqual([
      'nightscout-platform:operatorNamespace = "CNPG": is not a valid namespace name (lowercase DNS label, at most 63 characters). Fix: pulumi config set operatorNamespace cnpg-system',
      'nightscout-platform:installCnpg = "yes": must be true or false. Fix: pulumi config set installCnpg true|false',
      'nightscout-platform:monitoringCrds = "yes": must be absent, managedElsewhere or install. Fix: pulumi config set monitoringCrds managedElsewhere (prometheus-operator installed), or install',
      'nightscout-platform:operatorCpuRequest = "lots": is not a CPU quantity: cores (0.5, 2) or millicores (500m). Fix: pulumi config set operatorCpuRequest 100m',
      'nightscout-platform:operatorMemoryRequest = "512MB": is not a memory quantity such as 256Mi or 1Gi. Fix: pulumi config set operatorMemoryRequest 512Mi',
      'nightscout-platform:barmanSidecarImage = "ghcr.io/cloudnative-pg/plugin-barman-cloud-sidecar": image has no tag, so it floats to latest. Fix: pulumi config set barmanSidecarImage ghcr.io/cloudnative-pg/plugin-barman-cloud-sidecar:v0.14.0',
      'nightscout-platform:pluginMemoryLimit = "32Mi": is below pluginMemoryRequest (64Mi); the container would be killed before it reaches what it asked for. Fix: pulumi config set pluginMemoryLimit 64Mi or more',
      'nightscout-platform:barmanPluginImage = "ghcr.io/cloudnative-pg/plugin-barman-cloud-testing:main": is the plugin\'s testing build, on a moving development tag, not a release. Fix: pulumi config set barmanPluginImage ghcr.io/cloudnative-pg/plugin-barman-cloud:v0.14.0',
    ]);
  });
  test("quantities are read in their unit, as the app's are", () => {
    expect(refused({ pluginCpuRequest: "64Mi", pluginMemoryRequest: "64m" })).toEqual([
      'nightscout-platform:pluginCpuRequest = "64Mi": has a memory unit; a CPU request is in cores (0.5) or millicores (500m). Fix: pulumi config set pluginCpuRequest 64m',
      'nightscout-platform:pluginMemoryRequest = "64m": is in milli-bytes (64m is 0.064 bytes); memory is in Mi or Gi. Fix: pulumi config set pluginMemoryRequest 64Mi',
    ]);
    expect(
      refused({ pluginCpuRequest: "1m", pluginMemoryRequest: "1Mi", pluginMemoryLimit: "1Mi" }),
    ).toEqual([]);
  });
  test("a memory limit is compared only with a valid request", () => {
    expect(refused({ operatorMemoryRequest: "lots", operatorMemoryLimit: "1Mi" })).toEqual([
      'nightscout-platform:operatorMemoryRequest = "lots": is not a memory quantity such as 256Mi or 1Gi. Fix: pulumi config set operatorMemoryRequest 100Mi',
    ]);
  });
  test("a misspelled key is refused instead of silently ignored", () => {
    expect(refused({ operatorNamepsace: "db-operators" })).toEqual([
      "nightscout-platform:operatorNamepsace: is not a setting of this project, so it would be ignored. Fix: did you mean operatorNamespace? Rename the key to nightscout-platform:operatorNamespace in the stack file",
    ]);
  });
});

test("a manifest whose checksum differs from its provenance is refused before it is parsed", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "platform-"));
  const file = path.join(dir, "changed.yaml");
  fs.writeFileSync(file, "apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n");
  try {
    const actual = createHash("sha256").update(fs.readFileSync(file)).digest("hex");
    expect(() => loadManifest(file, RELEASES.cnpg.sha256)).toThrow(`sha256 is ${actual}, `);
    expect(() => loadManifest(file, RELEASES.cnpg.sha256)).toThrow(
      /, tools\/parts\/upstream-files.txt records f8bede43.*; refusing to install it\. Fix: bash tools\/parts\/upstream-files.sh --all/,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

// Where a release comes from: the fetcher's cache when the file is there (the local runs, with no
// network), else its pinned URL, checked the same way. A loopback server in another process
// stands in for the URL (the download runs in a child process, so the test's own event loop is
// blocked meanwhile); it also answers /moved/<file> with a redirect, as GitHub's release assets do.
describe("a release from the cache, else from its URL, checked by sha256 either way", () => {
  const SERVER = `
    const http = require("http"), fs = require("fs"), path = require("path");
    const root = process.argv[1];
    const server = http.createServer((req, res) => {
      const name = path.basename(req.url);
      if (req.url.startsWith("/moved/")) { res.writeHead(302, { location: "/" + name }); return res.end(); }
      fs.readFile(path.join(root, name), (err, data) => {
        res.writeHead(err ? 404 : 200);
        res.end(err ? undefined : data);
      });
    });
    server.listen(0, "127.0.0.1", () => process.stdout.write(server.address().port + "\\n"));`;
  let scratch: string;
  let served: string;
  let server: ChildProcess;
  let base: string;
  const cnpg = RELEASES.cnpg;

  beforeAll(async () => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), "platform-release-"));
    served = path.join(scratch, "served");
    fs.mkdirSync(path.join(scratch, "empty"));
    fs.mkdirSync(path.join(scratch, "cache"));
    fs.mkdirSync(served);
    fs.copyFileSync(manifestPath(cnpg.file), path.join(scratch, "cache", cnpg.file));
    fs.copyFileSync(manifestPath(cnpg.file), path.join(served, cnpg.file));
    // The same objects in other bytes: only the checksum can tell.
    fs.writeFileSync(
      path.join(served, "altered.yaml"),
      `# changed\n${fs.readFileSync(manifestPath(cnpg.file), "utf8")}`,
    );
    server = spawn(process.execPath, ["-e", SERVER, served], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const port = await new Promise<string>((resolve, reject) => {
      server.stdout!.once("data", (d: Buffer) => resolve(d.toString().trim()));
      server.once("exit", (code) => reject(new Error(`loopback server exited (${code})`)));
    });
    base = `http://127.0.0.1:${port}`;
  });
  afterAll(() => {
    server?.kill();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  test("the cached file is used without any download", () => {
    // The URL answers 404: a download would throw.
    const objects = loadPinned(cnpg, {
      cacheDir: path.join(scratch, "cache"),
      url: `${base}/nothing.yaml`,
    });
    expect(objects).toEqual(loadRelease(cnpg));
    expect(objects.filter((o) => o.kind === "CustomResourceDefinition")).toHaveLength(11);
  });

  test("without the cache, the pinned URL is downloaded (redirect followed) and checked", () => {
    const objects = loadPinned(cnpg, {
      cacheDir: path.join(scratch, "empty"),
      url: `${base}/moved/${cnpg.file}`,
    });
    expect(objects).toEqual(loadRelease(cnpg));
  });

  test("a download with other bytes is refused before it is parsed, naming both checksums", () => {
    const altered = createHash("sha256")
      .update(fs.readFileSync(path.join(served, "altered.yaml")))
      .digest("hex");
    expect(() =>
      loadPinned(cnpg, { cacheDir: path.join(scratch, "empty"), url: `${base}/altered.yaml` }),
    ).toThrow(
      `${base}/altered.yaml: sha256 is ${altered}, tools/parts/upstream-files.txt records ${cnpg.sha256}; refusing to install it.`,
    );
  });

  test("a failed download says what is missing, why, and the two ways to fix it", () => {
    expect(() =>
      loadPinned(cnpg, { cacheDir: path.join(scratch, "empty"), url: `${base}/nothing.yaml` }),
    ).toThrow(
      `cnpg-1.30.0.yaml is not in the cache (${path.join(scratch, "empty")}) and downloading ${base}/nothing.yaml failed: HTTP 404 Not Found. Fix: bash tools/parts/upstream-files.sh --all fills the cache from the Go module proxy, or let this machine reach 127.0.0.1:${base.split(":")[2]}.`,
    );
  });

  test("every pinned file's default is the fetcher's cache, and the monitoring CRDs are prometheus-operator v0.93.0's", () => {
    for (const crd of MONITORING_CRDS) {
      expect(crd.url).toMatch(
        /\/prometheus-operator\/v0\.93\.0\/example\/prometheus-operator-crd\//,
      );
      expect(loadPinned(crd, { url: `${base}/nothing.yaml` })[0].kind).toBe(
        "CustomResourceDefinition",
      );
    }
  });
});
