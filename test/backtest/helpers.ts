// Test helpers: hand-made bar files and a scripted strategy that places the orders a test tells it to.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { ZERO } from '../../src/core/decimal.ts';
import type { Bar, Quote } from '../../src/model/market.ts';
import type { Fill } from '../../src/model/fill.ts';
import { Strategy, type HandlerResult } from '../../src/strategies/strategy.ts';
import type { OrderResult, StrategyContext } from '../../src/strategies/types.ts';
import type { StrategyFactory } from '../../src/backtest/engine.ts';

export const HOUR = 3_600_000;
export const T0 = Date.UTC(2025, 0, 1);

/** [open, high, low, close] per bar, hourly from T0. */
export type Ohlc = readonly [number, number, number, number];

export function writeBars(dir: string, rows: readonly Ohlc[], name = 'BTC_USDT-1h.csv'): string {
  const lines = ['timestamp,date,open,high,low,close,volume'];
  rows.forEach(([o, h, l, c], i) => {
    const t = T0 + i * HOUR;
    lines.push(`${t},${new Date(t).toISOString()},${o},${h},${l},${c},100`);
  });
  const file = path.join(dir, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), `sherwood-backtest-${process.pid}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export type Action = (ctx: StrategyContext, bar: Bar) => Promise<OrderResult | undefined>;

export interface Seen {
  readonly bar: Bar;
  readonly now: number;
  readonly cachedLast: Bar | undefined;
}

/** Runs `script[i]` on the i-th bar it sees; records what it saw and its fills. */
export class ScriptedStrategy extends Strategy<Record<string, never>> {
  static readonly paramsSchema = z.object({});
  readonly seen: Seen[] = [];
  readonly fills: Fill[] = [];
  readonly results: OrderResult[] = [];
  readonly #script: ReadonlyMap<number, Action>;

  constructor(script: ReadonlyMap<number, Action>) {
    super(ScriptedStrategy.paramsSchema, {});
    this.#script = script;
  }

  override async onBar(bar: Bar): Promise<void> {
    const ctx = this.ctx;
    this.seen.push({ bar, now: ctx.clock.now(), cachedLast: ctx.market.bars(bar.symbol, bar.intervalMs).at(-1) });
    const action = this.#script.get(this.seen.length - 1);
    if (action === undefined) return;
    const result = await action(ctx, bar);
    if (result !== undefined) this.results.push(result);
  }

  override onFill(fill: Fill): HandlerResult {
    this.fills.push(fill);
  }
}

export function factoryOf(strategy: Strategy<unknown>): StrategyFactory {
  return () => Promise.resolve(strategy);
}

/** A busy little strategy for determinism tests: after two up closes it buys with a market order and rests a limit sell
 * 1 % higher; after two down closes it sells what is left at market. */
export class MomentumProbe extends Strategy<{ fraction: number }> {
  static readonly paramsSchema = z.object({ fraction: z.number().positive().max(1).default(0.5) });
  readonly #closes = new Map<string, number[]>();

  constructor(params: unknown = {}) {
    super(MomentumProbe.paramsSchema, params);
  }

  override async onBar(bar: Bar): Promise<void> {
    const c = this.#closes.get(bar.symbol) ?? [];
    this.#closes.set(bar.symbol, c);
    c.push(bar.close);
    if (c.length < 3) return;
    const [a, b, x] = c.slice(-3) as [number, number, number];
    const ctx = this.ctx;
    const held = ctx.portfolio.quantity(bar.symbol);
    if (held.eq(ZERO) && ctx.orders.open(bar.symbol).length === 0 && a < b && b < x) {
      const qty = ctx.fixedFraction(this.params.fraction, bar.close);
      const r = await ctx.orders.market(bar.symbol, 'buy', qty, { reason: `up ${a}<${b}<${x}` });
      if (r.ok) await ctx.orders.limit(bar.symbol, 'sell', qty, (bar.close * 1.01).toFixed(2), { reason: 'tp 1%' });
    } else if (held.gt(ZERO) && a > b && b > x) {
      await ctx.orders.cancelAll(bar.symbol, 'down');
      await ctx.orders.market(bar.symbol, 'sell', held, { reason: `down ${a}>${b}>${x}` });
    }
  }
}

export type QuoteAction = (ctx: StrategyContext, quote: Quote) => Promise<OrderResult | undefined>;

/** Runs `script[i]` on the i-th quote it sees; records its fills. */
export class QuoteScripted extends Strategy<Record<string, never>> {
  static readonly paramsSchema = z.object({});
  readonly fills: Fill[] = [];
  #seen = 0;
  readonly #script: ReadonlyMap<number, QuoteAction>;

  constructor(script: ReadonlyMap<number, QuoteAction>) {
    super(QuoteScripted.paramsSchema, {});
    this.#script = script;
  }

  override async onQuote(quote: Quote): Promise<void> {
    const action = this.#script.get(this.#seen++);
    if (action !== undefined) await action(this.ctx, quote);
  }

  override onFill(fill: Fill): void {
    this.fills.push(fill);
  }
}

/** Best bid/ask rows (hftbacktest bbo format), one a second from T0: [bid, ask]. */
export function writeQuotes(dir: string, rows: ReadonlyArray<readonly [number, number]>): string {
  const lines = ['local_ts_ns,update_id,bid_price,bid_qty,ask_price,ask_qty'];
  rows.forEach(([bid, ask], i) => {
    lines.push(`${BigInt(T0 + i * 1000) * 1_000_000n},${i + 1},${bid},1.5,${ask},2.5`);
  });
  const file = path.join(dir, 'btcusdt_bbo.csv');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}
