/** Settings: Where and how the stack is deployed. */
import { ENVIRONMENTS } from "../../domain";
import type { Setting } from "./setting";

/** Where a project's Kubernetes provider deploys to, or renders to: the app's and the platform's. */
export function providerSettings(renderExample: string, renderDescription: string) {
  return [
    {
      key: "kubeContext",
      example: "<context>",
      type: "string",
      default: "",
      description: "kubeconfig context to deploy to (empty: the current context).",
    },
    {
      key: "renderYamlToDirectory",
      example: renderExample,
      format: "path",
      type: "string",
      default: "",
      description: renderDescription,
    },
  ] as const satisfies readonly Setting[];
}

export const DEPLOYMENT_SETTINGS = [
  {
    key: "environment",
    type: "string",
    oneOf: ENVIRONMENTS,
    default: "production",
    description:
      "production: at least 3 PostgreSQL instances, a protected database, backups, and no public glucose data unless acknowledged; staging relaxes these.",
  },
  ...providerSettings(
    "rendered/<stack>",
    "Write manifests to this directory instead of applying them (Secrets are written in plaintext there).",
  ),
  {
    key: "namespace",
    format: "namespace",
    type: "string",
    default: "nightscout",
    description: "Namespace for every resource of the stack.",
  },
  {
    key: "createNamespace",
    type: "boolean",
    default: true,
    description: "Create the namespace (false: it already exists).",
  },
  {
    key: "protectDatabase",
    type: "boolean",
    default: true,
    description:
      "Protect the database cluster from deletion and replacement, and keep it when the stack is destroyed.",
  },
  {
    key: "allowSystemNamespace",
    type: "boolean",
    default: false,
    description:
      "Allow a namespace the cluster's own workloads use (default, kube-system, ...); its default-deny NetworkPolicy would cut them off.",
  },
] as const satisfies readonly Setting[];
