// Market data: order-book updates per second on the real BTCUSDT depth capture, bars built per second from trades.
import { join } from 'node:path';
import { BarBuilder } from '../src/data/bar-builder.ts';
import { OrderBookManager } from '../src/data/book-manager.ts';
import { FeedPublisher } from '../src/data/feed.ts';
import { MarketDataCache } from '../src/data/cache.ts';
import { openDepth, openTrades, SAMPLE_DATA_DIR } from '../src/data/historical/index.ts';
import { OrderBook } from '../src/data/order-book.ts';
import type { DepthSnapshot, DepthUpdate, Trade } from '../src/model/market.ts';

function report(name: string, count: number, unit: string, ms: number): void {
  const rate = (count / ms) * 1000;
  console.log(`${name.padEnd(48)} ${rate.toFixed(0).padStart(12)} ${unit}/s  (${count} in ${ms.toFixed(1)} ms)`);
}

function elapsedMs(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

export async function run(): Promise<void> {
  // Load once: the benchmark measures the book, not CSV parsing.
  let snapshot: DepthSnapshot | undefined;
  for await (const s of openDepth(join(SAMPLE_DATA_DIR, 'btcusdt_depth_snapshot.csv.gz')))
    snapshot = s as DepthSnapshot;
  const updates: DepthUpdate[] = [];
  for await (const u of openDepth(join(SAMPLE_DATA_DIR, 'btcusdt_depth_updates.csv.gz')))
    updates.push(u as DepthUpdate);
  const levels = updates.reduce((n, u) => n + u.levels.length, 0);
  if (!snapshot) throw new Error('no snapshot in the sample');

  const rounds = 20;
  let start = process.hrtime.bigint();
  for (let r = 0; r < rounds; r++) {
    const book = new OrderBook('BTC-USDT');
    book.applySnapshot(snapshot);
    for (const u of updates) book.applyUpdate(u);
  }
  let ms = elapsedMs(start);
  report('book: depth messages (real BTCUSDT)', updates.length * rounds, 'msg', ms);
  report('book: level updates (real BTCUSDT)', levels * rounds, 'level', ms);

  start = process.hrtime.bigint();
  for (let r = 0; r < rounds; r++) {
    const m = new OrderBookManager({ publisher: new FeedPublisher({ cache: new MarketDataCache() }), levels: 10 });
    m.applySnapshot(snapshot);
    for (const u of updates) m.applyUpdate(u);
  }
  ms = elapsedMs(start);
  report('book + top-10 view to the cache', updates.length * rounds, 'msg', ms);

  const trades: Trade[] = [];
  for await (const t of openTrades(join(SAMPLE_DATA_DIR, 'btcusdt_trades.csv.gz'))) trades.push(t);
  // Bars per second: 1-second bars from the ~11 minutes of trades, replayed many times shifted in time.
  const span = trades[trades.length - 1]!.timestamp - trades[0]!.timestamp + 1000;
  let bars = 0;
  const builder = new BarBuilder({ intervalMs: 1000, onBar: () => bars++ });
  const passes = 50;
  start = process.hrtime.bigint();
  for (let p = 0; p < passes; p++) {
    const shift = p * span;
    for (const t of trades) builder.addTrade({ ...t, timestamp: t.timestamp + shift });
  }
  builder.flush();
  ms = elapsedMs(start);
  report('bars: trades aggregated (1 s bars)', trades.length * passes, 'trade', ms);
  report('bars: 1 s bars built', bars, 'bar', ms);
}
