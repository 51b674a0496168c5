import * as pulumi from "@pulumi/pulumi";

/**
 * The stack's outputs: a contract for other stacks (read them with a StackReference, see
 * examples/consumer). Adding a field is safe; renaming or removing one breaks consumers.
 */
export interface StackOutputs {
  /** Namespace every resource lives in. */
  namespace: pulumi.Output<string>;
  /** Public Nightscout URL, https://<hostname>. */
  url: pulumi.Output<string>;
  /** Nightscout's Service name and port inside the namespace. */
  nightscoutService: pulumi.Output<{ name: string; port: number }>;
  /** FerretDB's in-cluster host name and MongoDB port. */
  ferretdbHost: pulumi.Output<string>;
  ferretdbPort: pulumi.Output<number>;
  /** mongodb:// URI with credentials, for in-cluster clients. Secret. */
  mongoUri: pulumi.Output<string>;
  /** The CloudNative-PG Cluster name and its read-write host. */
  postgresClusterName: pulumi.Output<string>;
  postgresReadWriteHost: pulumi.Output<string>;
  /** "mmol/L" or "mg/dL". */
  displayUnits: pulumi.Output<string>;
  /** Whether scheduled backups to an object store are configured. */
  backupsEnabled: pulumi.Output<boolean>;
  /**
   * Each managed access subject's token and follower link (`https://<host>/?token=...`), by
   * name; empty when the stack does not manage access. Secret: `npm run access` shows one.
   */
  accessLinks: pulumi.Output<Record<string, { token: string; url: string }>>;
}

/** Names of the outputs that must stay secret. */
export const SECRET_OUTPUTS: readonly (keyof StackOutputs)[] = ["mongoUri", "accessLinks"];

export interface StackOutputSources {
  namespace: pulumi.Input<string>;
  url: pulumi.Input<string>;
  nightscoutServiceName: pulumi.Input<string>;
  nightscoutServicePort: number;
  ferretdbHost: pulumi.Input<string>;
  ferretdbPort: number;
  mongoUri: pulumi.Input<string>;
  postgresClusterName: pulumi.Input<string>;
  postgresReadWriteHost: pulumi.Input<string>;
  displayUnits: string;
  backupsEnabled: boolean;
  accessLinks: pulumi.Input<Record<string, { token: string; url: string }>>;
}

export function stackOutputs(s: StackOutputSources): StackOutputs {
  return {
    namespace: pulumi.output(s.namespace),
    url: pulumi.output(s.url),
    nightscoutService: pulumi
      .output(s.nightscoutServiceName)
      .apply((name) => ({ name, port: s.nightscoutServicePort })),
    ferretdbHost: pulumi.output(s.ferretdbHost),
    ferretdbPort: pulumi.output(s.ferretdbPort),
    mongoUri: pulumi.secret(s.mongoUri),
    postgresClusterName: pulumi.output(s.postgresClusterName),
    postgresReadWriteHost: pulumi.output(s.postgresReadWriteHost),
    displayUnits: pulumi.output(s.displayUnits),
    backupsEnabled: pulumi.output(s.backupsEnabled),
    accessLinks: pulumi.secret(s.accessLinks),
  };
}
