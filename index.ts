import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { FerretDb } from "./components/ferretDb";
import { AppNamespace } from "./components/namespace";
import { INTERNET_PLUGINS, Nightscout, nightscoutSettings } from "./components/nightscout";
import { PostDeployCheck } from "./components/postDeployCheck";
import { PostgresCluster } from "./components/postgresCluster";
import { loadStackConfig } from "./config";
import { stackOutputs } from "./outputs";

// Every setting is validated here, before any resource is registered.
const config = loadStackConfig();
config.warnings.forEach((warning) => pulumi.log.warn(warning));

const provider = new k8s.Provider("k8s", {
  context: config.kubeContext,
  renderYamlToDirectory: config.renderYamlToDirectory,
});
const providers = { kubernetes: provider };

const appNamespace = new AppNamespace(
  "nightscout",
  {
    name: config.namespace,
    create: config.createNamespace,
    retainOnDelete: config.protectDatabase,
  },
  { providers },
);

const database = new PostgresCluster(
  "postgres",
  {
    namespace: appNamespace.name,
    clusterName: config.postgres.clusterName,
    image: config.postgres.image,
    instances: config.postgres.instances,
    storageSize: config.postgres.storageSize,
    storageClass: config.postgres.storageClass,
    resources: config.postgres.resources,
    maxConnections: config.postgres.maxConnections,
    backup: config.backup,
    restore: config.restore,
    protect: config.protectDatabase,
    operatorNamespace: config.cnpgOperatorNamespace,
  },
  { providers, dependsOn: [appNamespace] },
);

const ferretdb = new FerretDb(
  "ferretdb",
  {
    namespace: appNamespace.name,
    image: config.ferretdb.image,
    replicas: config.ferretdb.replicas,
    poolSize: config.ferretdb.poolSize,
    resources: config.ferretdb.resources,
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
    namespace: appNamespace.name,
    image: config.nightscout.image,
    hostname: config.nightscout.hostname,
    apiSecret: config.nightscout.apiSecret,
    mongoUri: ferretdb.mongoUri,
    databaseClientLabels: ferretdb.clientLabels,
    database: ferretdb.endpoint,
    settings: nightscoutSettings(config.nightscout),
    resources: config.nightscout.resources,
    ingress: config.ingress,
    allowInternetEgress: config.nightscout.enabledPlugins.some((p) => INTERNET_PLUGINS.includes(p)),
  },
  { providers, dependsOn: [ferretdb.deployment] },
);

if (config.postDeployCheck.mode !== "off") {
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
      kubeContext: config.kubeContext,
      deadlineSeconds,
      triggers: [ferretdb.deployment.spec, nightscout.deployment.spec, config.postgres.image],
      nightscoutUrl: checkPublicUrl ? nightscout.url : undefined,
      expectedUnits: checkPublicUrl ? config.nightscout.displayUnits : undefined,
    },
    { dependsOn: [ferretdb.deployment, nightscout.deployment] },
  );
}

export const {
  namespace,
  url,
  nightscoutService,
  ferretdbHost,
  ferretdbPort,
  mongoUri,
  postgresClusterName,
  postgresReadWriteHost,
  displayUnits,
  backupsEnabled,
} = stackOutputs({
  namespace: appNamespace.name,
  url: nightscout.url,
  nightscoutServiceName: nightscout.serviceName,
  nightscoutServicePort: nightscout.servicePort,
  ferretdbHost: ferretdb.host,
  ferretdbPort: ferretdb.port,
  mongoUri: ferretdb.mongoUri,
  postgresClusterName: database.clusterName,
  postgresReadWriteHost: database.readWriteHost,
  displayUnits: config.nightscout.displayUnits,
  backupsEnabled: database.backupsEnabled,
});
