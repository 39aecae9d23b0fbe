// Property tests: whatever the sequence of requests and prices, no approved order leaves a limit exceeded, and a
// denied order changes nothing (the same request is judged the same way again, the books are untouched).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dec, toPlain } from '../../src/core/decimal.ts';
import type { OrderRequest } from '../../src/execution/types.ts';
import { measureBook } from '../../src/risk/index.ts';
import { fillOrder, setup } from './helpers.ts';

const SYMBOLS = ['BTC-USD', 'ETH-USD', 'SOL-USD'] as const;
const START = { 'BTC-USD': 50_000, 'ETH-USD': 2_000, 'SOL-USD': 100 };

type Step =
  | { kind: 'price'; symbol: number; factor: number }
  | { kind: 'order'; symbol: number; side: 'buy' | 'sell'; units: number; limit: number | undefined; strategy: number }
  | { kind: 'time'; ms: number; refresh: boolean };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant('price' as const),
    symbol: fc.nat(2),
    factor: fc.double({ min: 0.8, max: 1.25, noNaN: true }),
  }),
  fc.record({
    kind: fc.constant('order' as const),
    symbol: fc.nat(2),
    side: fc.constantFrom('buy' as const, 'sell' as const),
    units: fc.integer({ min: 1, max: 10_000 }),
    limit: fc.option(fc.double({ min: 0.94, max: 1.06, noNaN: true }), { nil: undefined }),
    strategy: fc.nat(1),
  }),
  fc.record({ kind: fc.constant('time' as const), ms: fc.integer({ min: 0, max: 30_000 }), refresh: fc.boolean() }),
);

function books(s: ReturnType<typeof setup>): string {
  return JSON.stringify([
    toPlain(s.portfolio.cash),
    s.portfolio.positions().map((p) => [p.symbol, toPlain(p.quantity)]),
  ]);
}

describe('RiskEngine properties', () => {
  it('no approved order makes a limit exceeded; denied orders change nothing', () => {
    const seen = { approved: 0, denied: new Map<string, number>() };
    fc.assert(
      fc.property(fc.array(step, { minLength: 10, maxLength: 60 }), (steps) => {
        const s = setup({
          cash: '100000',
          prices: START,
          config: {
            max_order_notional: '45000',
            max_portfolio_risk: 0.04,
            order_rate_limit: 5,
            order_rate_window_ms: 20_000,
            max_drawdown: 0.3,
            daily_loss_limit: 0.2,
          },
        });
        const cfg = s.engine.config;
        const mid: Record<string, number> = { ...START };
        const setPrice = (symbol: string, price: number) => {
          mid[symbol] = price;
          s.cache.updateQuote({ symbol, timestamp: s.clock.now(), bid: price, ask: price });
          s.portfolio.mark(symbol, price);
        };
        for (const st of steps) {
          if (st.kind === 'time') {
            s.clock.advanceBy(st.ms);
            if (st.refresh) for (const sym of SYMBOLS) setPrice(sym, mid[sym]!);
            continue;
          }
          if (st.kind === 'price') {
            const sym = SYMBOLS[st.symbol]!;
            setPrice(sym, Number((mid[sym]! * st.factor).toFixed(2)));
            s.engine.updateEquity(s.portfolio.equity());
            continue;
          }
          const symbol = SYMBOLS[st.symbol]!;
          const quantity = toPlain(
            dec(st.units)
              .times('0.0001')
              .times(symbol === 'BTC-USD' ? '1' : symbol === 'ETH-USD' ? '25' : '500'),
          );
          const request: OrderRequest = {
            symbol,
            side: st.side,
            type: st.limit === undefined ? 'market' : 'limit',
            quantity,
            ...(st.limit !== undefined && { limitPrice: (mid[symbol]! * st.limit).toFixed(2) }),
            strategyId: `s${st.strategy}`,
            reason: 'property',
          };
          const before = books(s);
          const state = s.engine.state;
          const decision = s.engine.check(request);
          if (!decision.approved) {
            seen.denied.set(decision.rule, (seen.denied.get(decision.rule) ?? 0) + 1);
            expect(books(s)).toBe(before);
            expect(s.engine.state).toBe(state);
            expect(s.engine.check(request)).toEqual(decision);
            continue;
          }
          seen.approved++;
          const q = dec(decision.request.quantity as string);
          const price = mid[symbol]!;
          expect(q.times(dec(price)).lte(dec(cfg.max_order_notional).times('1.1'))).toBe(true);
          if (st.side === 'sell') expect(q.lte(s.portfolio.position(symbol).quantity)).toBe(true);
          else expect(s.engine.state).toBe('RUNNING');
          fillOrder(s, symbol, st.side, q, price);
          expect(s.portfolio.cash.gte('0')).toBe(true);
          if (st.side === 'buy') {
            const risk = measureBook(s.engine.holdings().values(), s.portfolio.equity());
            const eps = 1e-9;
            expect(risk.positionRisk.get(symbol)!).toBeLessThanOrEqual(cfg.max_position_risk + eps);
            expect(risk.portfolioRisk).toBeLessThanOrEqual(cfg.max_portfolio_risk + eps);
            expect(risk.grossExposure).toBeLessThanOrEqual(cfg.max_gross_exposure + eps);
            expect(risk.concentration.get(symbol.split('-')[0]!)!).toBeLessThanOrEqual(
              cfg.max_asset_concentration + eps,
            );
          }
        }
      }),
      { seed: 20240805, numRuns: 200 },
    );
    // The runs exercise both outcomes and several rules, not just one path.

    expect(seen.approved).toBeGreaterThan(100);
    expect(seen.denied.size).toBeGreaterThanOrEqual(5);
  });
});
