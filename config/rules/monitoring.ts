import { GLUCOSE_EXPORTER_RESOURCES } from "../../domain/platform";
import type { MonitoringArgs } from "../../components/monitoring";
import { Settings } from "../read";

/** A fully qualified stack name: what a StackReference on a self-managed backend needs. */
const STACK_NAME = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;

/** The platform stack to read, or undefined when the operators are managed elsewhere. */
export function platformStackRule(s: Settings): string | undefined {
  const name = s.text("platformStack");
  if (!name) return undefined;
  if (!STACK_NAME.test(name)) {
    s.problems.add(
      "platformStack",
      name,
      "is not a fully qualified stack name, which a StackReference needs",
      "pulumi config set platformStack organization/nightscout-platform/<stack> (on a self-managed backend the organization is literally 'organization')",
    );
    return undefined;
  }
  return name;
}

/** What the Monitoring component gets from the settings alone; undefined when monitoring is off. */
export type MonitoringSettings = Pick<
  MonitoringArgs,
  "monitoringNamespace" | "staleDataMinutes" | "exporter"
>;

export function monitoringRule(s: Settings): MonitoringSettings | undefined {
  if (!s.flag("monitoring")) return undefined;
  return {
    monitoringNamespace: s.text("monitoringNamespace")!,
    staleDataMinutes: s.integer("staleDataMinutes"),
    exporter: {
      image: s.text("glucoseExporterImage")!,
      resources: GLUCOSE_EXPORTER_RESOURCES,
      readToken: s.secret("glucoseExporterToken"),
    },
  };
}
