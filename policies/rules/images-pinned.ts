import { imagePinProblem } from "../../domain";
import { off, resourcePolicy, stringList } from "../lib/define";
import { TYPES, asStr, at, imageOf, repositoryIs } from "../lib/k8s";
import { checkEachContainer } from "../lib/workloads";

const settings = {
  requireDigest: off`Every image must be pinned by digest (@sha256:...), not only by tag.`,
  requireDigestFor: stringList(
    [],
    "Repositories (matched by suffix, e.g. nightscout/cgm-remote-monitor) whose tags are rebuilt in place and so must be pinned by digest.",
  ),
};

export const imagesPinned = resourcePolicy(
  { name: "images-pinned", enforcementLevel: "mandatory", settings },
  "Container and CloudNative-PG images are pinned to a tag other than latest, or a digest.",
  (args, reportViolation, config) => {
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
    checkEachContainer(
      args,
      ({ what, container }) => check(what, imageOf(container)),
      "Policy only applies to workloads and CNPG Clusters",
    );
  },
);
