import { PolicyPack } from "@pulumi/policy";
import { allPolicies } from "./policies";

new PolicyPack("nightscout", {
  description: "Guards for Nightscout on FerretDB v2 on CloudNative-PG with DocumentDB.",
  policies: allPolicies,
});
