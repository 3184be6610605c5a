/** A deterministic pseudo-random source; never use it for secrets. */
export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T;
  /** One element chosen by weight; `weights` line up with `items`. */
  weighted<T>(items: readonly T[], weights: readonly number[]): T;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** An ISO date in [from, to], both inclusive ISO dates. */
  date(from: string, to: string): string;
  /** A normally distributed number (Box-Muller). */
  normal(mean: number, deviation: number): number;
}

const DAY_MS = 86_400_000;

/** Days since 1970-01-01 of an ISO date (UTC). */
export function epochDay(isoDate: string): number {
  const time = Date.parse(`${isoDate.slice(0, 10)}T00:00:00Z`);
  if (Number.isNaN(time)) throw new TypeError('epochDay: argument "isoDate" must be an ISO date');
  return Math.round(time / DAY_MS);
}

/** The ISO date of a day number from {@link epochDay}. */
export function isoFromEpochDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/**
 * A seeded generator: sfc32 (Chris Doty-Humphrey's Small Fast Counting generator, PractRand-clean) with its
 * 128-bit state from cyrb128 of the seed, so any string (a seed plus a person's key) gives its own stream.
 * cyrb128 rather than node:crypto: seeding happens several times per synthetic person, and a crypto hash
 * object costs ~30 µs, which made seeding a million persons CPU-bound; nothing here needs a secure hash.
 */
export function createRandom(seed: string): Random {
  if (typeof seed !== 'string') throw new TypeError('createRandom: argument "seed" must be a string');
  let [a, b, c, d] = cyrb128(seed);
  const next = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  // The first outputs of sfc32 still correlate with the seed words; discarding a few is the usual remedy.
  for (let i = 0; i < 12; i += 1) next();
  const int = (min: number, max: number): number => {
    if (!Number.isInteger(min) || !Number.isInteger(max) || max < min) {
      throw new TypeError(`Random.int: arguments "min" and "max" must be integers with min <= max, got ${min} and ${max}`);
    }
    return min + Math.floor(next() * (max - min + 1));
  };
  return {
    next,
    int,
    pick: (items) => {
      if (items.length === 0) throw new TypeError('Random.pick: argument "items" must not be empty');
      return items[Math.floor(next() * items.length)]!;
    },
    weighted: (items, weights) => {
      if (items.length === 0 || items.length !== weights.length) {
        throw new TypeError('Random.weighted: arguments "items" and "weights" must be non-empty and of equal length');
      }
      let total = 0;
      for (const weight of weights) total += weight;
      let target = next() * total;
      for (let i = 0; i < items.length; i += 1) {
        target -= weights[i]!;
        if (target < 0) return items[i]!;
      }
      return items[items.length - 1]!;
    },
    chance: (p) => next() < p,
    date: (from, to) => isoFromEpochDay(int(epochDay(from), epochDay(to))),
    normal: (mean, deviation) => {
      const u = 1 - next(); // in (0, 1], so the logarithm is finite
      return mean + deviation * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
    },
  };
}

/** cyrb128 by bryc (public domain): a fast, well-mixed 128-bit string hash for seeding PRNGs. */
function cyrb128(text: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < text.length; i += 1) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}
