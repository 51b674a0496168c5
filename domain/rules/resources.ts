import { parseQuantity } from "../quantity";
import { rule } from "./rule";

/**
 * Fact 11: a limit below its request is refused by the API server, and a memory limit below
 * what the container asked for gets it killed before it gets there.
 */
export const limitNotBelowRequest = rule({
  id: "limit-not-below-request",
  fact: 11,
  onSettings: true,
  policy: "container-resources",
  summary: "A container's CPU and memory limits are at or above its requests.",
  check(model: { kind: "cpu" | "memory"; request?: string; limit?: string }, words) {
    const request = parseQuantity(model.request);
    const limit = parseQuantity(model.limit);
    if (request === undefined || limit === undefined || !(limit < request)) return [];
    return [
      {
        field: "limit" as const,
        value: model.limit,
        why:
          `is below ${words.name("request")} (${model.request}); ` +
          (model.kind === "memory"
            ? "the container would be killed before it reaches what it asked for"
            : "the API server refuses a limit below the request"),
        fix: `${words.set("limit", model.request!)} or more`,
      },
    ];
  },
});
