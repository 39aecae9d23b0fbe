import { describe, expect, it } from 'vitest';
import { RandomIdGenerator, SeededIdGenerator } from '../../src/core/ids.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('id generators', () => {
  it('seeded ids repeat for a seed, differ across seeds and are UUID v4 shaped', () => {
    const a = new SeededIdGenerator(7);
    const b = new SeededIdGenerator(7);
    const c = new SeededIdGenerator(8);
    const idsA = [a.next(), a.next(), a.next()];
    expect([b.next(), b.next(), b.next()]).toEqual(idsA);
    expect(c.next()).not.toBe(idsA[0]);
    expect(new Set(idsA).size).toBe(3);
    for (const id of idsA) expect(id).toMatch(UUID);
  });

  it('random ids are unique UUID v4s', () => {
    const gen = new RandomIdGenerator();
    const ids = new Set(Array.from({ length: 100 }, () => gen.next()));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(id).toMatch(UUID);
  });
});
