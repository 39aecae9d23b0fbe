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
  // One draw per hex digit, in the id's order, written as character codes and made a string once: the backtester
  // draws two ids per order, and a string built digit by digit (or group by group) costs several times more.
  const codes = UUID_CODES;
  const variant = HEX_CODES[8 + Math.floor(random.next() * 4)] as number;
  let k = 0;
  for (let i = 0; i < 32; i++) {
    if (i === 8 || i === 12 || i === 16 || i === 20) codes[k++] = DASH;
    if (i === 12) codes[k++] = FOUR;
    else if (i === 16) codes[k++] = variant;
    else codes[k++] = HEX_CODES[Math.floor(random.next() * 16)] as number;
  }
  return String.fromCharCode.apply(null, codes);
}

const HEX_CODES = Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
const DASH = '-'.charCodeAt(0);
const FOUR = '4'.charCodeAt(0);
/** The id being built (36 characters); only seededUuid writes it, synchronously. */
const UUID_CODES: number[] = new Array<number>(36).fill(0);
