/** Settings: monitoring and alerts, and the platform stack that installs the operators. */
import { DEFAULT_STALE_DATA_MINUTES, STALE_DATA_MINUTES_RANGE } from "../../domain/alerts";
import { DEFAULT_GLUCOSE_EXPORTER_IMAGE } from "../../domain/platform";
import type { Setting } from "./setting";

export const MONITORING_SETTINGS = [
  {
    key: "platformStack",
    example: "organization/nightscout-platform/production",
    type: "string",
    default: "",
    description:
      "The platform/ stack that installs the operators (<organization>/<project>/<stack>); its outputs replace cnpgOperatorNamespace (empty: operators managed elsewhere).",
  },
  {
    key: "monitoring",
    type: "boolean",
    default: false,
    description:
      "Scrape the database and Nightscout's newest entry and install the alert rules (needs the prometheus-operator CRDs and kube-state-metrics).",
  },
  {
    key: "monitoringNamespace",
    format: "namespace",
    type: "string",
    default: "monitoring",
    description: "Namespace Prometheus runs in, the only one allowed to scrape the stack's pods.",
  },
  {
    key: "staleDataMinutes",
    type: "integer",
    default: DEFAULT_STALE_DATA_MINUTES,
    // Below 10 minutes an ordinary late upload (CGMs send every 5) would page; past a day the
    // alert no longer warns anyone in time.
    range: STALE_DATA_MINUTES_RANGE,
    description:
      "Alert when Nightscout's newest CGM entry is older than this many minutes: the Prometheus alert, and Nightscout's own urgent stale-data alarm (its warning at half).",
  },
  {
    key: "glucoseExporterToken",
    type: "string",
    secret: true,
    optionalSecret: true,
    // Nightscout's access tokens are the subject's name, a dash and 16 hex characters.
    minLength: 12,
    description:
      "A Nightscout access token with the readable role for the glucose exporter; unset, the stack makes the exporter a readable subject of its own (glucose-exporter) after deploy, or with postDeployCheck off sends API_SECRET's hash, which grants everything.",
  },
  {
    key: "glucoseExporterImage",
    format: "image",
    type: "string",
    default: DEFAULT_GLUCOSE_EXPORTER_IMAGE,
    description: "json_exporter image that reads Nightscout's newest entry for Prometheus, pinned.",
  },
] as const satisfies readonly Setting[];
