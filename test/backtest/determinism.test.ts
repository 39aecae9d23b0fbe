import { describe, expect, it } from 'vitest';
import { runBacktest } from '../../src/backtest/engine.ts';
import { listSampleBarFiles } from '../../src/data/historical/index.ts';
import { MomentumProbe } from './helpers.ts';

const btc = listSampleBarFiles().find((f) => f.symbol === 'BTC-USD' && f.intervalMs === 3_600_000);
const eth = listSampleBarFiles().find((f) => f.symbol === 'ETH-USD' && f.intervalMs === 3_600_000);

describe.skipIf(btc === undefined || eth === undefined)('determinism on the shipped sample', () => {
  const run = (seed: number) =>
    runBacktest(
      { strategy: 'probe', data: [btc?.path ?? '', eth?.path ?? ''], seed, spreadBps: 4, slippageBps: 2 },
      { createStrategy: () => Promise.resolve(new MomentumProbe({ fraction: 0.3 })) },
    );

  it('same inputs and seed → byte-identical trades and fills', async () => {
    const a = await run(7);
    const b = await run(7);
    expect(a.fills.length).toBeGreaterThan(20);
    expect(JSON.stringify(a.fills)).toBe(JSON.stringify(b.fills));
    expect(JSON.stringify(a.trades)).toBe(JSON.stringify(b.trades));
    expect(JSON.stringify(a.equity)).toBe(JSON.stringify(b.equity));
    expect(a.fingerprint).toEqual(b.fingerprint);
    expect(a.symbols).toEqual(['BTC-USD', 'ETH-USD']);
  });

  it('the ledger agrees: portfolio cash equals the venue side of every fill', async () => {
    const r = await run(3);
    let cash = 10_000;
    for (const f of r.fills) {
      const notional = Number(f.quantity) * Number(f.price);
      cash += f.side === 'buy' ? -notional - Number(f.fee) : notional - Number(f.fee);
    }
    expect(Number(r.finalCash)).toBeCloseTo(cash, 6);
    expect(r.metrics.endEquity).toBeGreaterThan(0);
  });
});
