/**
 * A stack's objects, as the program renders them under the mock harness (tools/lib/capture.ts),
 * applied to the operator suite's cluster (suite.ts).
 */
import { captureStack } from "../../tools/lib/capture";
import type { K8sObject, Kubectl } from "../../tools/parts/cnpg-operator/operator";
import { suiteKubectl } from "./suite";

type Obj = K8sObject & Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** What the operator acts on, and what those objects reference, in the order they are applied. */
const APPLIED_KINDS = ["Namespace", "Secret", "ObjectStore", "Cluster", "ScheduledBackup"];

export interface StackOnOperator {
  /** The program's object of that kind (there is one of each kind applied, or none). */
  rendered(kind: string): Obj | undefined;
  /** Every object of that kind the program renders (Secrets). */
  renderedAll(kind: string): Obj[];
  namespace(): string;
  kubectl: Kubectl;
}

/**
 * Captures a stack (its committed stack file, test secrets, overrides) and applies its
 * Namespace, Secrets, ObjectStore, Cluster and ScheduledBackup to the suite's cluster, where
 * the operator's webhooks admit them. One per test file: the program runs once per file.
 */
export function stackOnOperator(
  stack: string,
  overrides: Record<string, string | undefined> = {},
): StackOnOperator {
  let objects: Obj[] = [];
  const kubectl = suiteKubectl();
  beforeAll(async () => {
    const captured = await captureStack(stack, overrides);
    objects = captured.resources
      .filter((r) => r.custom && r.type.startsWith("kubernetes:"))
      .map((r) => r.props as Obj)
      .filter((o) => APPLIED_KINDS.includes(o.kind));
    for (const kind of APPLIED_KINDS) {
      const ofKind = objects.filter((o) => o.kind === kind);
      if (ofKind.length > 0) kubectl.apply(ofKind);
    }
  }, 120_000);
  const rendered = (kind: string) => {
    const ofKind = objects.filter((o) => o.kind === kind);
    if (ofKind.length > 1 && kind !== "Secret")
      throw new Error(`${stack} renders ${ofKind.length} ${kind}s`);
    return ofKind[0];
  };
  return {
    rendered,
    renderedAll: (kind: string) => objects.filter((o) => o.kind === kind),
    namespace: () => {
      const ns = rendered("Namespace");
      if (!ns) throw new Error(`${stack} renders no Namespace`);
      return ns.metadata.name;
    },
    kubectl,
  };
}
