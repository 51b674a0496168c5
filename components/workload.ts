/**
 * Building blocks of the stack's stateless workloads (FerretDB, Nightscout): their labels and
 * metadata, a pod template that meets the restricted Pod Security Standard the namespace
 * enforces, and the Service in front of the pods. Container resources serve every workload.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ResourceRequests } from "./types";

/** The metadata a workload's objects share: named after the component, in its namespace. */
export interface WorkloadMetadata {
  namespace: pulumi.Input<string>;
  name: string;
  /** The well-known app labels; its Deployment and Service select its pods by them. */
  labels: Record<string, string>;
}

/** Metadata for the objects of component `name`, which runs `app`. */
export function workloadMetadata(
  app: string,
  name: string,
  namespace: pulumi.Input<string>,
): WorkloadMetadata {
  const labels = { "app.kubernetes.io/name": app, "app.kubernetes.io/instance": name };
  return { namespace, name, labels };
}

/** Requests for scheduling, and a memory limit only: a CPU limit throttles without need. */
export function containerResources(
  r: ResourceRequests,
): k8s.types.input.core.v1.ResourceRequirements {
  return {
    requests: { cpu: r.cpuRequest, memory: r.memoryRequest },
    limits: { memory: r.memoryLimit },
  };
}

/** The one writable directory of a container whose root filesystem is read-only. */
export interface ScratchVolume {
  name: string;
  mountPath: string;
  /** An emptyDir counts against the node's disk: a limit keeps a runaway writer in check. */
  sizeLimit: string;
}

export interface RestrictedPodArgs {
  /** The workload's labels, which its Deployment selects on. */
  labels: Record<string, string>;
  /** Labels that admit the pods to their database's network policy. */
  clientLabels: pulumi.Input<Record<string, string>>;
  /** The non-root UID (and GID) the image runs as. */
  uid: number;
  /** The container, without the security context, resources and mounts added here. */
  container: k8s.types.input.core.v1.Container;
  resources: ResourceRequests;
  scratch: ScratchVolume;
  /** Pod annotations; a change of one rolls the pods. */
  annotations?: pulumi.Input<Record<string, string>>;
}

/**
 * The pod template of a stateless workload: one container running as the image's non-root
 * user with a read-only root filesystem and no capabilities, no service account token (the
 * workloads never call the Kubernetes API), and an emptyDir for what it must write.
 */
export function restrictedPodTemplate(
  args: RestrictedPodArgs,
): k8s.types.input.core.v1.PodTemplateSpec {
  return {
    metadata: {
      labels: pulumi.output(args.clientLabels).apply((client) => ({ ...args.labels, ...client })),
      ...(args.annotations === undefined ? {} : { annotations: args.annotations }),
    },
    spec: {
      automountServiceAccountToken: false,
      securityContext: {
        runAsNonRoot: true,
        runAsUser: args.uid,
        runAsGroup: args.uid,
        fsGroup: args.uid,
        seccompProfile: { type: "RuntimeDefault" },
      },
      containers: [
        {
          ...args.container,
          resources: containerResources(args.resources),
          securityContext: {
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            runAsNonRoot: true,
            capabilities: { drop: ["ALL"] },
            seccompProfile: { type: "RuntimeDefault" },
          },
          volumeMounts: [{ name: args.scratch.name, mountPath: args.scratch.mountPath }],
        },
      ],
      volumes: [{ name: args.scratch.name, emptyDir: { sizeLimit: args.scratch.sizeLimit } }],
    },
  };
}

/** The Service in front of a workload's pods: one port, sent to the container port of its name. */
export function workloadServiceArgs(
  metadata: WorkloadMetadata,
  port: { name: string; port: number },
): k8s.core.v1.ServiceArgs {
  return {
    metadata,
    spec: {
      selector: metadata.labels,
      ports: [{ name: port.name, port: port.port, targetPort: port.name }],
    },
  };
}

/**
 * Adds `secretName` to a template of `restrictedPodTemplate`, mounted read-only in its one
 * container beside the scratch volume: for configuration files that hold a credential.
 */
export function withSecretVolume(
  template: k8s.types.input.core.v1.PodTemplateSpec,
  mount: { name: string; mountPath: string },
  secretName: pulumi.Input<string>,
): k8s.types.input.core.v1.PodTemplateSpec {
  // restrictedPodTemplate returns plain objects; only its values may be Outputs.
  const spec = template.spec as k8s.types.input.core.v1.PodSpec;
  const [container] = spec.containers as k8s.types.input.core.v1.Container[];
  const mounts = container.volumeMounts as k8s.types.input.core.v1.VolumeMount[];
  const volumes = spec.volumes as k8s.types.input.core.v1.Volume[];
  return {
    ...template,
    spec: {
      ...spec,
      containers: [{ ...container, volumeMounts: [...mounts, { ...mount, readOnly: true }] }],
      volumes: [...volumes, { name: mount.name, secret: { secretName } }],
    },
  };
}
