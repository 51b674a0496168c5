/**
 * What the platform stack registers for a given config, and the outputs contract it exports
 * (index.ts reads the config and exports these; the tests call it under mocks directly).
 */
import * as k8s from "@pulumi/kubernetes";
import { BARMAN_PLUGIN } from "../domain";
import type { PlatformOutputs } from "../domain/platform";
import { OperatorRelease } from "./components/operator-release";
import type { PlatformConfig } from "./config";
import { RELEASES, loadMonitoringCrds, loadRelease } from "./manifests";
import { moveNamespace, operatorVersionOf, withPluginImages, withResources } from "./transforms";

/** The namespace the release manifests install into. */
const UPSTREAM_NAMESPACE = "cnpg-system";

export function deployPlatform(config: PlatformConfig): PlatformOutputs {
  const provider = new k8s.Provider("k8s", config.provider);
  const opts = { providers: { kubernetes: provider } };

  let operatorVersion = config.externalOperatorVersion ?? "";
  let cnpg: OperatorRelease | undefined;
  if (config.installCnpg) {
    let objects = moveNamespace(
      loadRelease(RELEASES.cnpg),
      UPSTREAM_NAMESPACE,
      config.operatorNamespace,
    );
    objects = withResources(
      objects,
      "cnpg-controller-manager",
      "manager",
      config.operatorResources,
    );
    operatorVersion = operatorVersionOf(objects)!;
    cnpg = new OperatorRelease("cnpg", { objects }, opts);
  }

  if (config.installBarmanPlugin) {
    // The plugin registers itself with the operator: it comes second, in the operator's namespace.
    let objects = moveNamespace(
      loadRelease(RELEASES.barmanCloud),
      UPSTREAM_NAMESPACE,
      config.operatorNamespace,
    );
    objects = withPluginImages(objects, config.barmanPluginImage, config.barmanSidecarImage);
    objects = withResources(objects, "barman-cloud", "barman-cloud", config.pluginResources);
    new OperatorRelease(
      "barman-cloud",
      { objects },
      { ...opts, dependsOn: cnpg ? cnpg.deployments : [] },
    );
  }

  if (config.monitoringCrds === "install") {
    new OperatorRelease("monitoring-crds", { objects: loadMonitoringCrds() }, opts);
  }

  return {
    operatorNamespace: config.operatorNamespace,
    operatorVersion,
    pluginName: config.installBarmanPlugin ? BARMAN_PLUGIN : "",
    monitoringCrdsPresent: config.monitoringCrds !== "absent",
  };
}
