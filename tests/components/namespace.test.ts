/** AppNamespace's argument validation, called directly (no Pulumi runtime involved). */
import { validateAppNamespaceArgs } from "../../components/namespace";
import { namespaceArgs } from "../helpers/component-args";

describe("AppNamespace: validateAppNamespaceArgs", () => {
  test("accepts valid args", () => {
    expect(() => validateAppNamespaceArgs(namespaceArgs())).not.toThrow();
  });
  test("name must be a DNS label", () => {
    expect(() => validateAppNamespaceArgs(namespaceArgs({ name: "Night_Scout" }))).toThrow(
      'AppNamespace: args.name = "Night_Scout" is invalid. Use a DNS label: lowercase letters, digits and -, at most 63 characters.',
    );
  });
  test("name must not be a namespace the cluster's own pods live in", () => {
    expect(() => validateAppNamespaceArgs(namespaceArgs({ name: "kube-system" }))).toThrow(
      /^AppNamespace: args.name = "kube-system": is a namespace the cluster's own workloads use; the stack's default-deny NetworkPolicy would cut them off \(rule no-system-namespace, fact 35\)\. Fix: set args.name to nightscout \(or, knowing the risk, set args.allowSystemNamespace to true\)\.$/,
    );
  });
});
