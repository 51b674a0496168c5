/** Ports and names other components and the policy pack must agree on. */

/** Fact 12 and 16: FerretDB's MongoDB wire protocol port and its debug/probe port. */
export const FERRETDB_PORT = 27017;
export const FERRETDB_DEBUG_PORT = 8088;
/** Fact 18: the port Nightscout listens on. */
export const NIGHTSCOUT_PORT = 1337;
/** Fact 35: PostgreSQL and the CNPG instance manager's status port. */
export const POSTGRES_PORT = 5432;
export const CNPG_STATUS_PORT = 8000;
/** Fact 8: the Barman Cloud plugin's name in `spec.plugins` and `pluginConfiguration`. */
export const BARMAN_PLUGIN = "barman-cloud.cloudnative-pg.io";
