/** Settings: Ingress, TLS, network. */
import type { Setting } from "./setting";

export const NETWORK_SETTINGS = [
  {
    key: "ingressClassName",
    format: "objectName",
    type: "string",
    default: "traefik",
    description: "IngressClass of the Nightscout Ingress.",
  },
  {
    key: "tlsClusterIssuer",
    example: "letsencrypt-prod",
    format: "objectName",
    type: "string",
    default: "",
    description: "cert-manager ClusterIssuer that issues the certificate (or set tlsSecretName).",
  },
  {
    key: "tlsSecretName",
    example: "nightscout-tls",
    format: "objectName",
    type: "string",
    default: "",
    description: "Existing TLS Secret; with tlsClusterIssuer, the name cert-manager writes to.",
  },
  {
    key: "redirectMiddleware",
    example: "<namespace>-<name>@kubernetescrd",
    format: "middlewareRef",
    type: "string",
    default: "",
    description:
      "Existing Traefik middleware reference <namespace>-<name>@kubernetescrd (empty: create one).",
  },
  {
    key: "ingressControllerNamespace",
    format: "namespace",
    type: "string",
    default: "kube-system",
    description:
      "Namespace of the ingress controller, the only source allowed to reach Nightscout.",
  },
  {
    key: "cnpgOperatorNamespace",
    format: "namespace",
    type: "string",
    default: "cnpg-system",
    description: "Namespace of the CloudNative-PG operator, allowed to reach the instances.",
  },
] as const satisfies readonly Setting[];
