// Test helpers: hand-made bar files and a scripted strategy that places the orders a test tells it to.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import type { Bar } from '../../src/model/market.ts';
import type { Fill } from '../../src/model/fill.ts';
import { Strategy } from '../../src/strategies/strategy.ts';
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

  override onFill(fill: Fill): void {
    this.fills.push(fill);
  }
}

export function factoryOf(strategy: Strategy<unknown>): StrategyFactory {
  return () => Promise.resolve(strategy);
}
