/**
 * A module that loads another on first use: the shared part of lazy-typescript.ts and
 * lazy-automation.ts. Every read, key listing or `in` check loads `real` once and answers
 * from it; `Symbol.for(loadedName)` tells a test whether anything has loaded it yet, and
 * `fixed` answers reads that must not load it (`__esModule`, which __importStar reads at once).
 */
export function lazyModule(
  real: string,
  loadedName: string,
  fixed: Record<string, unknown> = {},
): object {
  let loaded: Record<string | symbol, unknown> | undefined;
  const load = (): Record<string | symbol, unknown> =>
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    (loaded ??= require(real) as Record<string | symbol, unknown>);
  const LOADED = Symbol.for(loadedName);
  return new Proxy(
    {},
    {
      get: (_target, key) => {
        if (key === LOADED) return loaded !== undefined;
        if (typeof key === "string" && key in fixed) return fixed[key];
        return load()[key];
      },
      has: (_target, key) => key in load(),
      ownKeys: () => Reflect.ownKeys(load()),
      // Configurable, so the proxy's empty target never contradicts what it reports.
      getOwnPropertyDescriptor: (_target, key) => {
        const found = Reflect.getOwnPropertyDescriptor(load(), key);
        return found && { ...found, configurable: true };
      },
    },
  );
}
