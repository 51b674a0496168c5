/** Kubernetes resource quantities (`100m`, `384Mi`, `1.5`, `2e3`), parsed once for everyone. */

const SUFFIXES: Readonly<Record<string, number>> = {
  "": 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

const QUANTITY =
  /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?)$/;

/** A quantity in base units (cores, bytes), or undefined when it is not a valid quantity. */
export function parseQuantity(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value !== "string") return undefined;
  const match = value.match(QUANTITY);
  if (!match) return undefined;
  const number = Number(match[1]);
  if (match[2]) return number * 10 ** Number(match[2].slice(1));
  return number * SUFFIXES[match[3] ?? ""];
}

export const MEBIBYTE = 2 ** 20;

export interface QuantityProblem {
  why: string;
  /** The value the operator most likely meant, when the slip is recognisable. */
  suggestion?: string;
}

/** `1GB` and `512MB` are common slips for the binary units `1Gi` and `512Mi`. */
export function bytesSlip(value: string): string | undefined {
  const match = value.trim().match(/^(\d+(?:\.\d+)?)\s*([kKMGTPE])i?B$/);
  return match ? `${match[1]}${match[2].toUpperCase()}i` : undefined;
}

/**
 * Why `value` is no CPU request Kubernetes reads as meant: cores (`0.5`, `2`) or millicores
 * (`250m`), above zero, no finer than 1m (the API refuses finer). Every other suffix parses as
 * a quantity but means something else: `256Mi` would be 268 million cores.
 */
export function cpuProblem(value: string): QuantityProblem | undefined {
  const match = value.match(/^(\d+(?:\.\d*)?|\.\d+)(m?)$/);
  if (!match) {
    const memoryLike = value.match(/^(\d+)(?:[KMGTPE]i|[kMGTPE])$/);
    if (parseQuantity(value) !== undefined && memoryLike) {
      return {
        why: "has a memory unit; a CPU request is in cores (0.5) or millicores (500m)",
        suggestion: `${memoryLike[1]}m`,
      };
    }
    return { why: "is not a CPU quantity: cores (0.5, 2) or millicores (500m)" };
  }
  const millicores = Number(match[1]) * (match[2] === "m" ? 1 : 1000);
  if (millicores <= 0) return { why: "must be above 0", suggestion: "100m" };
  if (!Number.isInteger(Math.round(millicores * 1e9) / 1e9)) {
    return {
      why: "is finer than 1m, which Kubernetes refuses",
      suggestion: `${Math.ceil(millicores)}m`,
    };
  }
  return undefined;
}

/** The least memory a container of this stack can start in. */
export const MIN_CONTAINER_MEMORY_BYTES = MEBIBYTE;

/**
 * Why `value` is no memory size Kubernetes reads as meant: bytes with a binary (Mi, Gi) or
 * decimal (M, G) suffix, at least 1Mi. `m` is milli-bytes (`256m` is a quarter of a byte) and a
 * bare number is bytes: both parse, and both are nearly always `Mi` left out.
 */
export function memoryProblem(value: string): QuantityProblem | undefined {
  const bytes = parseQuantity(value);
  if (bytes === undefined || /^[+-]/.test(value)) {
    return { why: "is not a memory quantity such as 256Mi or 1Gi", suggestion: bytesSlip(value) };
  }
  const number = value.match(/^(\d+(?:\.\d+)?)m$/);
  if (number) {
    return {
      why: `is in milli-bytes (${value} is ${bytes} bytes); memory is in Mi or Gi`,
      suggestion: `${number[1]}Mi`,
    };
  }
  if (bytes < MIN_CONTAINER_MEMORY_BYTES) {
    const plain = value.match(/^\d+$/);
    return {
      why: `is ${bytes} bytes, under 1Mi: no container starts in that`,
      suggestion: plain ? `${value}Mi` : undefined,
    };
  }
  return undefined;
}
