/**
 * The Nightscout container (cgm-remote-monitor 15.0.7): its secrets from the Nightscout
 * Secret, its settings as literal env, and probes that see the real answer (facts 24-27, 31).
 */
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { NIGHTSCOUT_PORT } from "../domain";

/**
 * An HTTP probe of /api/v1/verifyauth, 200 once booted and 500 in the boot-error state, and
 * open to every role, so it works even with AUTH_DEFAULT_ROLES=denied (facts 26, 27). With
 * INSECURE_USE_HTTP off, Nightscout redirects plain HTTP and the kubelet would count the
 * redirect as healthy; the header makes probes see the real answer (fact 25). A 5 s timeout
 * lets a busy single-threaded Node.js process answer late without being called dead.
 */
function verifyAuthProbe(periodSeconds: number, failureThreshold: number) {
  return {
    httpGet: {
      path: "/api/v1/verifyauth",
      port: "http",
      httpHeaders: [{ name: "X-Forwarded-Proto", value: "https" }],
    },
    periodSeconds,
    timeoutSeconds: 5,
    failureThreshold,
  };
}

/**
 * The Nightscout container: `secretKeys` (API_SECRET and MONGODB_URI first) from `secretName`,
 * settings as literal env, probes.
 */
export function nightscoutContainer(
  image: string,
  url: string,
  settings: Record<string, string>,
  secretName: pulumi.Input<string>,
  secretKeys: readonly string[] = ["API_SECRET", "MONGODB_URI"],
): k8s.types.input.core.v1.Container {
  const fromSecret = (key: string) => ({
    name: key,
    valueFrom: { secretKeyRef: { name: secretName, key } },
  });
  return {
    name: "nightscout",
    image,
    ports: [{ name: "http", containerPort: NIGHTSCOUT_PORT }],
    env: [
      ...secretKeys.map(fromSecret),
      // Fact 24: Kubernetes sets HOSTNAME to the pod name, which binds the pod IP only.
      { name: "HOSTNAME", value: "0.0.0.0" },
      { name: "PORT", value: String(NIGHTSCOUT_PORT) },
      // Fact 31: Pushover callbacks and links use the public URL.
      { name: "BASE_URL", value: url },
      { name: "INSECURE_USE_HTTP", value: "false" },
      ...Object.entries(settings).map(([name, value]) => ({ name, value })),
    ],
    // Fact 27: the port opens only after boot, which waits for the database: a startup
    // budget of 10 s x 60 = ten minutes; then unready after 45 s, restarted after 2 minutes.
    startupProbe: verifyAuthProbe(10, 60),
    readinessProbe: verifyAuthProbe(15, 3),
    livenessProbe: verifyAuthProbe(30, 4),
  };
}
