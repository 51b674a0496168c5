/**
 * The inline program of tests/e2e/random-provider.test.ts, run by driver.ts: one RandomPassword
 * as components/postgres-cluster.ts asks for it, with the length the test says.
 */
import * as random from "@pulumi/random";
import type { PulumiFn } from "@pulumi/pulumi/automation";

export interface RandomSpec {
  name: string;
  length: number;
  special: boolean;
}

export function program(spec: RandomSpec): PulumiFn {
  return async () => {
    new random.RandomPassword(spec.name, { length: spec.length, special: spec.special });
  };
}
