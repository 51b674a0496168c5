import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { imagePinProblem } from "../../domain";
import { configOf } from "../lib/config";
import {
  TYPES,
  asStr,
  at,
  containersOf,
  describeContainer,
  imageOf,
  isWorkload,
  podTemplateOf,
  repositoryIs,
} from "../lib/k8s";
import { runChecks } from "../lib/unknowns";

interface Config {
  requireDigest: boolean;
  requireDigestFor: string[];
}

const configSchema: PolicyConfigSchema = {
  properties: {
    requireDigest: {
      type: "boolean",
      default: false,
      description: "Every image must be pinned by digest (@sha256:...), not only by tag.",
    },
    requireDigestFor: {
      type: "array",
      items: { type: "string" },
      default: [],
      description:
        "Repositories (matched by suffix, e.g. nightscout/cgm-remote-monitor) whose tags are rebuilt in place and so must be pinned by digest.",
    },
  },
};

export const imagesPinned: ResourceValidationPolicy = {
  name: "images-pinned",
  description:
    "Container and CloudNative-PG images are pinned to a tag other than latest, or a digest.",
  enforcementLevel: "mandatory",
  configSchema,
  validateResource: (args, reportViolation) => {
    const config = configOf<Config>(args, configSchema);
    const check = (what: string, image: string | undefined) => {
      const requireDigest =
        config.requireDigest || config.requireDigestFor.some((repo) => repositoryIs(image, repo));
      const problem = image === undefined ? "is not set" : imagePinProblem(image, requireDigest);
      if (problem) reportViolation(`The image of ${what} ("${image ?? ""}") ${problem}.`);
    };

    if (args.type === TYPES.cluster) {
      // Without imageName the operator uses its own digest-pinned default image.
      const imageName = asStr(at(args.props, "spec", "imageName"));
      if (imageName !== undefined) check("the Cluster (spec.imageName)", imageName);
      return;
    }
    if (!isWorkload(args.type))
      args.notApplicable("Policy only applies to workloads and CNPG Clusters");
    const template = podTemplateOf(args.type, args.props);
    if (!template) return;
    runChecks(
      containersOf(template.spec).map(
        (ref) => () => check(describeContainer(ref), imageOf(ref.container)),
      ),
    );
  },
};
