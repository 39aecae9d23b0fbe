// A small seeded PRNG (mulberry32) so that simulations, backtests and tests are reproducible from a seed.
// Not for cryptography.

export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max]. */
  int(min: number, max: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  /** Standard normal (Box–Muller). */
  normal(): number;
}

export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    normal: () => {
      const u = 1 - next();
      const v = next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
  };
}

/** A UUID v4-shaped id drawn from a seeded generator: deterministic ids for backtests. */
export function seededUuid(random: Random): string {
  // One draw per hex digit, in the id's order, each group built as a number: the backtester draws one id per order,
  // and a string built digit by digit is 36 intermediate strings.
  const variant = HEX[8 + Math.floor(random.next() * 4)] as string;
  const a = hexDigits(random, 8);
  const b = hexDigits(random, 4);
  const c = hexDigits(random, 3);
  const d = hexDigits(random, 3);
  const e = hexDigits(random, 12);
  return `${a}-${b}-4${c}-${variant}${d}-${e}`;
}

/** `n` hex digits (n ≤ 13: exact as a double), the first drawn first. */
function hexDigits(random: Random, n: number): string {
  let value = 0;
  for (let i = 0; i < n; i++) value = value * 16 + Math.floor(random.next() * 16);
  return value.toString(16).padStart(n, '0');
}

const HEX = '0123456789abcdef';
