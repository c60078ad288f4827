import seedrandom from 'seedrandom';

/** Every random choice of one dream or visualisation comes from one of these, so a seed replays it. */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max). */
  int(min: number, max: number): number;
  /** Standard normal (Box–Muller). */
  normal(): number;
}

export function createRng(seed: number | string): Rng {
  const source = seedrandom(String(seed));
  const next = (): number => source.quick();
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min)),
    normal: () => {
      const u = 1 - next(); // (0, 1]: log stays finite
      const v = next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
  };
}
