// Identifiers (client order ids, fill ids we synthesize). Live trading uses random UUIDs; backtests use a seeded
// generator so that the same run produces the same ids, byte for byte.
import { randomUUID } from 'node:crypto';
import { createRandom, seededUuid, type Random } from './random.ts';

export interface IdGenerator {
  /** A new UUID-shaped id. */
  next(): string;
}

export class RandomIdGenerator implements IdGenerator {
  next(): string {
    return randomUUID();
  }
}

export class SeededIdGenerator implements IdGenerator {
  readonly #random: Random;

  constructor(seed: number) {
    this.#random = createRandom(seed);
  }

  next(): string {
    return seededUuid(this.#random);
  }
}
