// Save/load round-trip against a real SQLite file store.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../src/core/clock.ts';
import { dec, toPlain } from '../../src/core/decimal.ts';
import { PersistenceError } from '../../src/core/errors.ts';
import { openStore, type Store } from '../../src/persistence/index.ts';
import { ACCOUNT_POSITIONS_ID, ledgerKey } from '../../src/portfolio/persistence.ts';
import { Portfolio } from '../../src/portfolio/portfolio.ts';
import type { PortfolioConfigInput } from '../../src/portfolio/config.ts';
import { fill } from './helpers.ts';

const dirs: string[] = [];
const stores: Store[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function fileStore(file?: string): Promise<{ store: Store; file: string }> {
  let f = file;
  if (f === undefined) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sherwood-portfolio-'));
    dirs.push(dir);
    f = path.join(dir, 'store.db');
  }
  const store = await openStore({ driver: 'sqlite', sqlitePath: f, sqliteSynchronous: 'normal' });
  stores.push(store);
  return { store, file: f };
}

const CONFIG: PortfolioConfigInput = {
  accountId: 'acct-1',
  startingCash: '10000',
  equitySampling: { mode: 'interval', intervalMs: 60_000 },
};

function trade(portfolio: Portfolio): void {
  portfolio.applyFill(fill({ id: 'a', side: 'buy', quantity: '3', price: '10.01', fee: '0.03' }), 's1');
  portfolio.applyFill(fill({ id: 'b', side: 'buy', quantity: '0.5', price: '64000', fee: '3.2' }), 's2');
  // a partial close of a cost that does not divide evenly: 32 / 3 per unit
  portfolio.applyFill(fill({ id: 'c', side: 'buy', quantity: '3', price: '10.66666667', symbol: 'ETH-USD' }));
  portfolio.applyFill(fill({ id: 'd', side: 'sell', quantity: '1', price: '11', symbol: 'ETH-USD' }));
  portfolio.applyFill(fill({ id: 'e', side: 'sell', quantity: '1', price: '12', fee: '0.01' }), 's1');
  portfolio.mark('BTC-USD', 65000, 60_000);
  portfolio.mark('BTC-USD', dec('63000.5'), 120_000);
  portfolio.reserve('open-1', '250.5');
}

describe('Portfolio save/load (SQLite file)', () => {
  it('round-trips the exact ledger, positions, marks, reservations, fill ids and the equity curve', async () => {
    const { store, file } = await fileStore();
    const clock = new SimulatedClock(0);
    const original = new Portfolio({ clock, config: CONFIG });
    trade(original);
    clock.advanceTo(150_000);
    await original.save(store);
    await store.close();
    stores.pop();

    const { store: reopened } = await fileStore(file);
    const restored = new Portfolio({ clock: new SimulatedClock(150_000), config: CONFIG });
    expect(await restored.load(reopened)).toEqual({ loaded: true, savedAt: 150_000 });

    expect(toPlain(restored.cash)).toBe(toPlain(original.cash));
    expect(toPlain(restored.buyingPower)).toBe(toPlain(original.buyingPower));
    for (const strategyId of [undefined, 's1', 's2', 'external']) {
      const a = original.positions(strategyId);
      const b = restored.positions(strategyId);
      expect(b.map((p) => p.symbol)).toEqual(a.map((p) => p.symbol));
      a.forEach((p, i) => {
        const q = b[i]!;
        expect([q.quantity, q.costBasis, q.averageEntryPrice, q.realizedPnl, q.fees].map(toPlain)).toEqual(
          [p.quantity, p.costBasis, p.averageEntryPrice, p.realizedPnl, p.fees].map(toPlain),
        );
        expect(q.strategyId).toBe(p.strategyId);
      });
    }
    expect(restored.strategyIds()).toEqual(original.strategyIds());
    expect(toPlain(restored.exactEquity())).toBe(toPlain(original.exactEquity()));
    expect(restored.equity()).toBe(original.equity());
    expect(restored.markOf('BTC-USD')).toEqual(original.markOf('BTC-USD'));
    expect(restored.highWaterMark).toBe(original.highWaterMark);
    expect(restored.maxDrawdown).toBe(original.maxDrawdown);
    // the store keeps equity as the exact sum cash + positions value, so the float read back may differ in the last bit
    const before = original.equityHistory();
    const after = restored.equityHistory();
    expect(after.map((p) => p.timestamp)).toEqual(before.map((p) => p.timestamp));
    after.forEach((p, i) => expect(p.equity).toBeCloseTo(before[i]!.equity, 6));
    expect(restored.equityHistory('s1').length).toBe(original.equityHistory('s1').length);
    // idempotency survives the restart
    expect(restored.applyFill(fill({ id: 'a', side: 'buy', quantity: '3', price: '10.01' }), 's1').applied).toBe(false);
    // the same sampling bucket is not sampled twice after the restart
    restored.mark('BTC-USD', 63000, 150_001);
    expect(restored.equityHistory().length).toBe(original.equityHistory().length);
  });

  it('writes the positions and equity tables for readers, and appends only new equity points', async () => {
    const { store } = await fileStore();
    const clock = new SimulatedClock(0);
    const portfolio = new Portfolio({ clock, config: CONFIG });
    trade(portfolio);
    await portfolio.save(store);
    const rows = await store.listPositions({ strategyId: ACCOUNT_POSITIONS_ID });
    expect(rows.map((r) => [r.symbol, toPlain(r.quantity), toPlain(r.realizedPnl)])).toEqual([
      ['BTC-USD', '2.5', toPlain(portfolio.position('BTC-USD').realizedPnl)],
      ['ETH-USD', '2', toPlain(portfolio.position('ETH-USD').realizedPnl)],
    ]);
    expect((await store.listPositions({ strategyId: 's1' })).map((r) => toPlain(r.quantity))).toEqual(['2']);
    const points = await store.equityHistory({ scope: 'account', scopeId: 'acct-1' });
    expect(points.map((p) => p.timestamp)).toEqual(portfolio.equityHistory().map((p) => p.timestamp));
    for (const p of points) expect(p.equity.eq(p.cash.plus(p.positionsValue))).toBe(true);
    const s2Points = (await store.equityHistory({ scope: 'strategy', scopeId: 's2' })).length;
    portfolio.mark('BTC-USD', 70000, 180_000);
    await portfolio.save(store);
    expect((await store.equityHistory({ scope: 'account', scopeId: 'acct-1' })).length).toBe(points.length + 1);
    expect((await store.equityHistory({ scope: 'strategy', scopeId: 's2' })).length).toBe(s2Points + 1);
  });

  it('replaces the in-memory state on load, starting holdings included', async () => {
    const { store } = await fileStore();
    const saved = new Portfolio({ clock: new SimulatedClock(0), config: CONFIG });
    saved.applyFill(fill({ id: 'x', side: 'buy', quantity: '1', price: '100' }));
    await saved.save(store);
    const restored = new Portfolio({
      clock: new SimulatedClock(0),
      config: { ...CONFIG, holdings: [{ symbol: 'ETH-USD', quantity: '5', averageEntryPrice: '1' }] },
    });
    await restored.load(store);
    expect(restored.positions().map((p) => p.symbol)).toEqual(['BTC-USD']);
    expect(restored.strategyIds()).toEqual(['external']);
    expect(restored.positions('external').map((p) => p.symbol)).toEqual(['BTC-USD']);
    expect(toPlain(restored.valuation().fees)).toBe('0');
  });

  it('loads nothing from an empty store and refuses a corrupt ledger, naming the field', async () => {
    const { store } = await fileStore();
    const portfolio = new Portfolio({ clock: new SimulatedClock(0), config: CONFIG });
    expect(await portfolio.load(store)).toEqual({ loaded: false });
    await store.setKv(ledgerKey('acct-1'), { version: 1, accountId: 'acct-1', currency: 'USD', cash: 'abc' }, 0);
    await expect(portfolio.load(store)).rejects.toThrow(PersistenceError);
    await expect(portfolio.load(store)).rejects.toThrow(/cash/);
    expect(toPlain(portfolio.cash)).toBe('10000');
  });
});
