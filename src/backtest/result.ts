// The result of a backtest as plain JSON: config, metrics, equity curve, round trips, fills, denied orders and a
// fingerprint (a hash of every fill) that regression tests pin. Decimals are plain strings, times ISO 8601.
import { createHash } from 'node:crypto';
import { toPlain, ZERO, type Decimal } from '../core/decimal.ts';
import type { StrategyStats } from '../strategies/runner.ts';
import type { BacktestConfig } from './config.ts';
import type { Bar } from '../model/market.ts';
import type { LoadedData, TickEvent } from './data.ts';
import { computeMetrics, type EquityPoint, type Metrics } from './metrics.ts';
import { roundTrips, roundTripToJson, type AttributedFill } from './round-trips.ts';

export interface DeniedOrder {
  readonly timestamp: number;
  readonly symbol: string;
  readonly side: string;
  /** The rule ('max_position', 'strategy_budget'…) or 'venue' for a venue rejection. */
  readonly rule: string;
  readonly reason: string;
}

export interface FillJson {
  readonly time: string;
  readonly symbol: string;
  readonly side: string;
  readonly quantity: string;
  readonly price: string;
  readonly fee: string;
  readonly strategyId: string;
  readonly clientOrderId: string;
}

export interface BacktestResult {
  readonly config: Record<string, unknown>;
  readonly dataKind: 'bars' | 'ticks';
  readonly symbols: readonly string[];
  readonly start: string;
  readonly end: string;
  readonly metrics: Metrics;
  readonly finalCash: string;
  /** [timestamp ms, equity] per bar (bars) or per equity interval (ticks). */
  readonly equity: ReadonlyArray<readonly [number, number]>;
  readonly trades: ReadonlyArray<Record<string, string | number | null>>;
  readonly fills: readonly FillJson[];
  readonly denied: ReadonlyArray<DeniedOrder & { readonly time: string }>;
  readonly strategies: readonly StrategyStats[];
  /** Errors thrown by bus handlers during the run (none in a sound run). */
  readonly warnings: readonly string[];
  /** Prices for the report's chart, at most ~2000 points per symbol: [timestamp, close]. */
  readonly prices: Readonly<Record<string, ReadonlyArray<readonly [number, number]>>>;
  /** sha256 of the fills' JSON: two runs with the same inputs and seed give the same hash. */
  readonly fingerprint: { readonly fills: number; readonly tradeCount: number; readonly hash: string };
}

export interface ResultInput {
  readonly config: BacktestConfig;
  readonly data: LoadedData;
  readonly curve: readonly EquityPoint[];
  readonly fills: readonly AttributedFill[];
  readonly denied: readonly DeniedOrder[];
  readonly benchmark: ReadonlyMap<string, { first: number; last: number }>;
  readonly strategies: readonly StrategyStats[];
  readonly finalCash: Decimal;
  readonly warnings: readonly string[];
}

const iso = (ms: number): string => new Date(ms).toISOString();

function configJson(c: BacktestConfig): Record<string, unknown> {
  return {
    ...c,
    cash: toPlain(c.cash),
    holdings: Object.fromEntries(Object.entries(c.holdings).map(([k, v]) => [k, toPlain(v)])),
    marketBuyCollar: toPlain(c.marketBuyCollar),
    ...(c.feeRate !== undefined && { feeRate: toPlain(c.feeRate) }),
    ...(c.budget !== undefined && { budget: toPlain(c.budget) }),
    ...(c.from !== undefined && { from: iso(c.from) }),
    ...(c.to !== undefined && { to: iso(c.to) }),
  };
}

export function fillToJson({ fill, strategyId }: AttributedFill): FillJson {
  return {
    time: iso(fill.timestamp),
    symbol: fill.symbol,
    side: fill.side,
    quantity: toPlain(fill.quantity),
    price: toPlain(fill.price),
    fee: toPlain(fill.fee),
    strategyId,
    clientOrderId: fill.clientOrderId,
  };
}

function priceSeries(data: LoadedData): Record<string, Array<readonly [number, number]>> {
  // Indices per symbol first, so that only the ~2,000 points kept per symbol are built (a 1-minute file has 130,000).
  const events: readonly (Bar | TickEvent)[] = data.kind === 'bars' ? data.bars : data.ticks;
  const indices = new Map<string, number[]>();
  let lastSymbol: string | undefined;
  let last: number[] = [];
  for (let k = 0; k < events.length; k++) {
    const e = events[k] as Bar | TickEvent;
    const symbol = 'kind' in e ? e.value.symbol : e.symbol;
    if (symbol !== lastSymbol) {
      lastSymbol = symbol;
      last = indices.get(symbol) ?? [];
      indices.set(symbol, last);
    }
    last.push(k);
  }
  const out: Record<string, Array<readonly [number, number]>> = {};
  for (const [symbol, list] of indices) {
    const step = Math.max(1, Math.ceil(list.length / 2000));
    const points: Array<readonly [number, number]> = [];
    for (let i = 0; i < list.length; i++) {
      if (i % step !== 0 && i !== list.length - 1) continue;
      const e = events[list[i] as number] as Bar | TickEvent;
      points.push(
        !('kind' in e)
          ? [e.timestamp + e.intervalMs, e.close]
          : [e.value.timestamp, e.kind === 'quote' ? (e.value.bid + e.value.ask) / 2 : e.value.price],
      );
    }
    out[symbol] = points;
  }
  return out;
}

export function buildResult(input: ResultInput): BacktestResult {
  const trips = roundTrips(input.fills);
  const fees = input.fills.reduce((s, f) => s.plus(f.fill.fee), ZERO);
  const metrics = computeMetrics({ curve: input.curve, trips, fees, benchmark: input.benchmark });
  const fills = input.fills.map(fillToJson);
  const hash = createHash('sha256').update(JSON.stringify(fills)).digest('hex');
  const first = input.curve[0];
  const last = input.curve[input.curve.length - 1];
  return {
    config: configJson(input.config),
    dataKind: input.data.kind,
    symbols: input.data.symbols,
    start: iso(first?.timestamp ?? 0),
    end: iso(last?.timestamp ?? 0),
    metrics,
    finalCash: toPlain(input.finalCash),
    equity: input.curve.map((p) => [p.timestamp, p.equity] as const),
    trades: trips.map(roundTripToJson),
    fills,
    denied: input.denied.map((d) => ({ ...d, time: iso(d.timestamp) })),
    strategies: input.strategies,
    warnings: input.warnings,
    prices: priceSeries(input.data),
    fingerprint: { fills: fills.length, tradeCount: metrics.tradeCount, hash },
  };
}
