import { describe, expect, it } from 'vitest';
import { createRandom, seededUuid } from '../../src/core/random.ts';

describe('seeded random', () => {
  it('repeats the same sequence for the same seed and differs for another', () => {
    const a = createRandom(42);
    const b = createRandom(42);
    const c = createRandom(43);
    const seqA = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(seqA);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(seqA);
  });

  it('stays in range', () => {
    const r = createRandom(1);
    for (let i = 0; i < 1000; i++) {
      const x = r.next();
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
      const n = r.int(3, 5);
      expect([3, 4, 5]).toContain(n);
    }
  });

  it('makes UUID v4-shaped ids deterministically', () => {
    const id = seededUuid(createRandom(7));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(seededUuid(createRandom(7))).toBe(id);
    // Pinned: a backtest's order ids are these, so the derivation must not drift between releases.
    const r = createRandom(7);
    expect([seededUuid(r), seededUuid(r)]).toEqual([
      '0fb86738-b42c-4835-8484-f3e32248c1e8',
      'af9ed025-601c-4567-afbb-5522e53a50ae',
    ]);
  });
});
