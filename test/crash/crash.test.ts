// The SIGKILL crash test (`npm run test:crash`) in a short form for CI: three kills of the child trader, then the
// reconcile-only run, and the exact checks of scripts/crash/checks.ts.
import { describe, expect, it } from 'vitest';
import { runCrashTest } from '../../scripts/crash/crash-test.ts';

describe('crash test (3 kills)', () => {
  it('after SIGKILLs at seeded moments, the store and the venue agree exactly', async () => {
    const result = await runCrashTest({ seed: 11, kills: 3 });
    expect(result.problems).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.kills).toBe(3);
    expect(result.final.state).toBe('RUNNING');
    expect(result.posts).toBeGreaterThan(0);
    expect(result.assets.map((a) => a.asset)).toEqual(expect.arrayContaining(['BTC', 'ETH']));
    for (const a of result.assets) expect(a.venueChange).toBe(a.localChange);
  }, 120_000);
});
