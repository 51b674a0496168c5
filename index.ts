import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { NightscoutAccess } from "./components/access";
import { FerretDb } from "./components/ferret-db";
import { Monitoring } from "./components/monitoring";
import { AppNamespace } from "./components/namespace";
import { Nightscout } from "./components/nightscout";
import { PostDeployCheck } from "./components/post-deploy-check";
import { PostgresCluster } from "./components/postgres-cluster";
import { loadStackConfig } from "./config/runtime";
import { readPlatformStack } from "./config/platform-stack";
import { stackOutputs, type StackOutputs } from "./outputs";

/**
 * The stack. Pulumi's language host (and tools/parts/engine/program.ts, as it does) calls the
 * function this module exports and takes what it returns as the stack outputs, so the program
 * runs again on each call: the tests evaluate it once per stack in one module registry.
 */
export = function nightscoutStack(): StackOutputs {
  // Every setting is validated here, before any resource is registered.
  const config = loadStackConfig();
  config.warnings.forEach((warning) => pulumi.log.warn(warning));

  // With platformStack set, the operators come from that stack, whose outputs are checked before
  // anything is deployed: every Kubernetes object goes through this provider, which waits for it.
  const platform = config.platformStack
    ? readPlatformStack(config.platformStack, {
        backups: config.postgres.backup !== undefined,
        monitoring: config.monitoring !== undefined,
        namespace: config.namespace.name,
      })
    : undefined;
  const provider = new k8s.Provider("k8s", config.provider, { dependsOn: platform?.checked });
  const providers = { kubernetes: provider };

  const appNamespace = new AppNamespace("nightscout", config.namespace, { providers });

  const database = new PostgresCluster(
    "postgres",
    {
      ...config.postgres,
      namespace: appNamespace.name,
      operatorNamespace: platform?.operatorNamespace ?? config.postgres.operatorNamespace,
    },
    { providers, dependsOn: [appNamespace] },
  );

  const ferretdb = new FerretDb(
    "ferretdb",
    {
      ...config.ferretdb,
      namespace: appNamespace.name,
      database: {
        host: database.readWriteHost,
        port: database.port,
        role: database.appRole,
        password: database.appPassword,
        clientLabels: database.clientLabels,
        endpoint: database.endpoint,
      },
    },
    { providers, dependsOn: [database.cluster] },
  );

  const nightscout = new Nightscout(
    "nightscout",
    {
      ...config.nightscout,
      namespace: appNamespace.name,
      mongoUri: ferretdb.mongoUri,
      databaseClientLabels: ferretdb.clientLabels,
      database: ferretdb.endpoint,
    },
    { providers, dependsOn: [ferretdb.deployment] },
  );

  if (config.postDeployCheck) {
    // Proves the MongoDB path end to end once everything reports ready, and again on change.
    const { mode, directUri, deadlineSeconds, checkPublicUrl } = config.postDeployCheck;
    new PostDeployCheck(
      "post-deploy-check",
      {
        mode,
        mongoUri: mode === "direct" && directUri ? directUri : ferretdb.mongoUri,
        namespace: appNamespace.name,
        serviceName: ferretdb.serviceName,
        servicePort: ferretdb.port,
        kubeContext: config.provider.context,
        deadlineSeconds,
        triggers: [ferretdb.deployment.spec, nightscout.deployment.spec, database.image],
        nightscoutUrl: checkPublicUrl ? nightscout.url : undefined,
        expectedUnits: checkPublicUrl ? config.displayUnits : undefined,
      },
      { dependsOn: [ferretdb.deployment, nightscout.deployment] },
    );
  }

  // Who may look, each with a token of their own: made so once Nightscout is ready.
  const access = config.access
    ? new NightscoutAccess(
        "access",
        {
          declaration: config.access.declaration,
          apiSecret: nightscout.apiSecret,
          publicUrl: nightscout.url,
          mode: config.access.mode,
          nightscoutUrl: nightscout.url,
          namespace: appNamespace.name,
          serviceName: nightscout.serviceName,
          servicePort: nightscout.servicePort,
          kubeContext: config.provider.context,
          deadlineSeconds: config.access.deadlineSeconds,
        },
        { dependsOn: [nightscout.deployment] },
      )
    : undefined;

  if (config.monitoring) {
    // The exporter reads with the operator's token, else with the stack's own readable subject.
    new Monitoring(
      "monitoring",
      {
        ...config.monitoring,
        exporter: {
          ...config.monitoring.exporter,
          readToken: config.monitoring.exporter.readToken ?? access?.exporterToken,
        },
        namespace: appNamespace.name,
        database: {
          clusterName: database.clusterName,
          instances: database.instances,
          backupSchedule: database.backupSchedule,
        },
        nightscout: {
          serviceName: nightscout.serviceName,
          servicePort: nightscout.servicePort,
          podLabels: nightscout.deployment.spec.selector.matchLabels,
          deploymentName: nightscout.deployment.metadata.name,
          apiSecret: nightscout.apiSecret,
        },
        ferretdbDeploymentName: ferretdb.deployment.metadata.name,
      },
      { providers, dependsOn: [nightscout.deployment] },
    );
  }

  return stackOutputs({
    namespace: appNamespace.name,
    url: nightscout.url,
    nightscoutServiceName: nightscout.serviceName,
    nightscoutServicePort: nightscout.servicePort,
    ferretdbHost: ferretdb.host,
    ferretdbPort: ferretdb.port,
    mongoUri: ferretdb.mongoUri,
    postgresClusterName: database.clusterName,
    postgresReadWriteHost: database.readWriteHost,
    displayUnits: config.displayUnits,
    backupsEnabled: database.backupsEnabled,
    accessLinks: access?.links ?? {},
  });
};
