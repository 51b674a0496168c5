import * as pulumi from "@pulumi/pulumi";
import { nightscoutOutputs } from "./nightscout-outputs";

// A consumer, e.g. an uptime monitor or a reporting job, reads the nightscout stack's
// outputs instead of repeating its names.
const config = new pulumi.Config();
const nightscout = nightscoutOutputs(new pulumi.StackReference(config.require("nightscoutStack")));

/** What an uptime checker polls; status-only visitors may read it. */
export const statusUrl = pulumi.interpolate`${nightscout.url}/api/v1/status.json`;
/** In-cluster address of Nightscout's Service. */
export const nightscoutServiceAddress = pulumi.interpolate`${nightscout.nightscoutService.name}.${nightscout.namespace}.svc.cluster.local:${nightscout.nightscoutService.port}`;
/** A reporting job's database connection: stays secret. */
export const reportingMongoUri = nightscout.mongoUri;
export const units = nightscout.displayUnits;
