import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { FerretDb } from "./components/ferretDb";
import { AppNamespace } from "./components/namespace";
import { Nightscout } from "./components/nightscout";
import { PostDeployCheck } from "./components/postDeployCheck";
import { PostgresCluster } from "./components/postgresCluster";
import { loadStackConfig } from "./config";
import { stackOutputs } from "./outputs";

// Every setting is validated here, before any resource is registered.
const config = loadStackConfig();
config.warnings.forEach((warning) => pulumi.log.warn(warning));

const provider = new k8s.Provider("k8s", config.provider);
const providers = { kubernetes: provider };

const appNamespace = new AppNamespace("nightscout", config.namespace, { providers });

const database = new PostgresCluster(
  "postgres",
  { ...config.postgres, namespace: appNamespace.name },
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
      triggers: [ferretdb.deployment.spec, nightscout.deployment.spec, config.postgres.image],
      nightscoutUrl: checkPublicUrl ? nightscout.url : undefined,
      expectedUnits: checkPublicUrl ? config.displayUnits : undefined,
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
  displayUnits: config.displayUnits,
  backupsEnabled: database.backupsEnabled,
});
