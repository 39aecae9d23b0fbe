// Venue-side stops over real HTTP against the simulator: the stop-loss leg rests on the venue as a stop_loss sell
// after an entry fill; a fall through it is filled by the venue and ends the stop; a take-profit cancels the venue
// stop before the exit goes out; a restart re-links the venue stop instead of placing a second one.
// The wiring is the trading node's (and the backtester's) StopWiring: fills → portfolio (under the owner) →
// StopManager.onPosition → StopOrders.onPosition; order events → StopOrders.onOrderEvent; quotes → onQuote.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { until } from '../support/until.ts';
import { LiveClock } from '../../src/core/clock.ts';
import { dec, toPlain } from '../../src/core/decimal.ts';
import { RandomIdGenerator } from '../../src/core/ids.ts';
import { MessageBus } from '../../src/core/message-bus.ts';
import { ExecutionEngine } from '../../src/execution/execution-engine.ts';
import { Reconciler } from '../../src/execution/reconciler.ts';
import { SILENT_LOGGER, type ExecutionTopics } from '../../src/execution/types.ts';
import { openStore } from '../../src/persistence/open-store.ts';
import { Portfolio } from '../../src/portfolio/index.ts';
import { attachStopOrders, STOP_TAG, type StopOrders } from '../../src/risk/stop-orders.ts';
import { StopWiring } from '../../src/risk/stop-wiring.ts';
import { StopManager, type StopDefaults } from '../../src/risk/stops.ts';
import { RobinhoodClient } from '../../src/venues/robinhood/client.ts';
import { RobinhoodVenue } from '../../src/venues/robinhood/venue.ts';
import { generateCredential, startSimulator, type SimulatorHandle } from '../../src/venues/simulator/index.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'sherwood-stops-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const credential = generateCredential('100000');

async function startSim(): Promise<SimulatorHandle> {
  const sim = await startSimulator({ accounts: [credential], data: 'none', speed: 0, rateLimit: false, seed: 5 });
  cleanups.push(() => sim.close());
  sim.setQuote('BTC-USD', '65000', '65001', '10');
  return sim;
}

interface Node {
  engine: ExecutionEngine;
  portfolio: Portfolio;
  stops: StopManager;
  stopOrders: StopOrders;
  close(): Promise<void>;
}

/** Engine, portfolio, StopManager and StopOrders on `sqlitePath`, loaded and reconciled (the start-up path). */
async function node(
  sim: SimulatorHandle,
  sqlitePath: string,
  defaults: StopDefaults = { stopLoss: 0.05, takeProfit: 0.1 },
): Promise<Node> {
  const client = new RobinhoodClient({
    apiKey: credential.api_key,
    privateKey: credential.private_key,
    baseUrl: sim.url,
  });
  const venue = new RobinhoodVenue(client);
  const store = await openStore({ driver: 'sqlite', sqlitePath });
  const bus = new MessageBus<ExecutionTopics>();
  const clock = new LiveClock();
  const engine = new ExecutionEngine({
    venue,
    store,
    clock,
    bus,
    ids: new RandomIdGenerator(),
    accountNumber: credential.account_number,
    cancelCheckMs: 50,
  });
  await engine.load();
  await new Reconciler({ engine }).run();
  const portfolio = new Portfolio({ clock, config: { startingCash: '100000' } });
  for (const o of engine.openOrders()) expect(o.status).not.toBe('unknown');
  const stops = new StopManager(defaults);
  await stops.load(store);
  const pairs = new Map((await venue.getTradingPairs()).map((p) => [p.symbol, p]));
  const stopOrders = attachStopOrders({
    execution: engine,
    stops,
    clock,
    logger: SILENT_LOGGER,
    venueStops: true,
    pairs: (s) => pairs.get(s),
    store,
  });
  let saving: Promise<void> = Promise.resolve();
  const wiring = new StopWiring({
    engine,
    stops,
    stopOrders,
    portfolio,
    onStopsChanged: () => {
      saving = saving.then(() => stops.save(store, clock.now()));
    },
  });
  bus.subscribe('fill', (m) => wiring.bookFill(m));
  bus.subscribe('order', (e) => wiring.onOrderEvent(e));
  await stopOrders.load();
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await stopOrders.close();
    await saving;
    engine.stop();
    await engine.idle();
    await client.close();
    await store.close();
  };
  cleanups.push(close);
  return { engine, portfolio, stops, stopOrders, close };
}

const venueStops = (sim: SimulatorHandle) =>
  sim.engine
    .orders()
    .filter((o) => o.request.type === 'stop_loss' && (o.state === 'open' || o.state === 'partially_filled'));

/** Polls the venue until `check` holds (status and fills come by polling, as with Robinhood). */
async function settle(n: Node, what: string, check: () => boolean): Promise<void> {
  await until(
    what,
    async () => {
      // Not idle(): queued stop work may itself wait for what the next poll brings (a cancel's confirmation).
      await n.engine.pollOnce();
      return check();
    },
    10_000,
    20,
  );
}

async function enter(n: Node): Promise<void> {
  await n.engine.submit({
    symbol: 'BTC-USD',
    side: 'buy',
    type: 'market',
    quantity: '0.01',
    strategyId: 's1',
    reason: 'entry',
  });
  await settle(n, 'entry filled and venue stop placed', () => n.stopOrders.links().length === 1);
}

describe('venue stop orders (simulator over HTTP)', () => {
  it('places the stop-loss on the venue after the entry; a fall through it fills there and ends the stop', async () => {
    const sim = await startSim();
    const n = await node(sim, ':memory:');
    await enter(n);
    const entry = Number(n.portfolio.position('BTC-USD', 's1').averageEntryPrice.toFixed());
    const [resting] = venueStops(sim);
    expect(resting?.request.side).toBe('sell');
    expect(toPlain(dec(resting!.request.assetQuantity!))).toBe('0.01');
    expect(Number(resting!.request.stopPrice!.toFixed())).toBeCloseTo(entry * 0.95, 1);
    expect(n.engine.getOrder(n.stopOrders.links()[0]!.clientOrderId)?.strategyId).toBe(`s1${STOP_TAG}`);

    sim.setQuote('BTC-USD', '60000', '60001', '10'); // through the stop: the venue triggers and fills it
    // The same quote reaches the node: the crossed stop-loss is the venue's to fill, no emulated exit is sent.
    const crossed = n.stopOrders.onQuote({ symbol: 'BTC-USD', timestamp: Date.now(), bid: 60000, ask: 60001 });
    expect(crossed.map((r) => r.reason)).toEqual([expect.stringMatching(/^stop-loss hit/)]);
    await settle(n, 'position flat', () => n.portfolio.position('BTC-USD', 's1').quantity.toFixed() === '0');
    expect(n.stops.stops()).toEqual([]);
    await settle(n, 'link ended', () => n.stopOrders.links().length === 0);
    expect(venueStops(sim)).toEqual([]);
    // The sell was the venue stop's (booked under the owner), not an emulated exit.
    const sells = n.engine.openOrders().length + sim.engine.orders().filter((o) => o.request.side === 'sell').length;
    expect(sells).toBe(1);
  });

  it('take-profit: cancels the venue stop first, then sends the exit', async () => {
    const sim = await startSim();
    const n = await node(sim, ':memory:');
    await enter(n);
    const stopId = n.stopOrders.links()[0]!.clientOrderId;
    sim.setQuote('BTC-USD', '72000', '72001', '10'); // above entry × 1.1
    const triggered = n.stopOrders.onQuote({ symbol: 'BTC-USD', timestamp: Date.now(), bid: 72000, ask: 72001 });
    expect(triggered.map((r) => r.reason)).toEqual([expect.stringMatching(/^take-profit hit/)]);
    await settle(n, 'position flat', () => n.portfolio.position('BTC-USD', 's1').quantity.toFixed() === '0');
    const sim0 = sim.engine.orders();
    const stop = sim0.find((o) => o.request.clientOrderId === stopId)!;
    const exit = sim0.find((o) => o.request.side === 'sell' && o.request.type === 'market')!;
    expect(stop.state).toBe('canceled');
    expect(exit.state).toBe('filled');
    // The exit was only created once the stop's cancel was known (no moment with both selling the same holdings).
    const local = n.engine.getOrder(stopId)!;
    expect(n.engine.getOrder(exit.request.clientOrderId)!.createdAt).toBeGreaterThanOrEqual(local.updatedAt);
    expect(venueStops(sim)).toEqual([]);
  });

  it('a trailing stop moves the venue order up by cancel/replace once the level rose by the step', async () => {
    const sim = await startSim();
    const n = await node(sim, ':memory:', { stopLoss: 0.05, takeProfit: 0.5, trailing: 0.05 });
    await enter(n);
    const first = n.stopOrders.links()[0]!;
    sim.setQuote('BTC-USD', '70000', '70001', '10'); // +7.7%: the trailing level rises to ~66,500
    n.stopOrders.onQuote({ symbol: 'BTC-USD', timestamp: Date.now(), bid: 70000, ask: 70001 });
    await settle(n, 'venue stop moved', () => {
      const link = n.stopOrders.links()[0];
      return link !== undefined && link.clientOrderId !== first.clientOrderId;
    });
    const moved = n.stopOrders.links()[0]!;
    expect(Number(moved.stopPrice)).toBeGreaterThan(66_000);
    expect(Number(moved.stopPrice)).toBeGreaterThan(Number(first.stopPrice));
    await settle(n, 'old stop canceled', () => venueStops(sim).length === 1);
    expect(venueStops(sim).map((o) => o.request.clientOrderId)).toEqual([moved.clientOrderId]);
    // A rise smaller than the step (0.5%) leaves the venue order alone: no cancel/replace per tick.
    sim.setQuote('BTC-USD', '70100', '70101', '10');
    n.stopOrders.onQuote({ symbol: 'BTC-USD', timestamp: Date.now(), bid: 70100, ask: 70101 });
    await n.stopOrders.idle();
    expect(n.stopOrders.links().map((l) => l.clientOrderId)).toEqual([moved.clientOrderId]);
  });

  it('a restart re-links the venue stop instead of placing a second one', async () => {
    const sim = await startSim();
    const file = path.join(dir, 'restart.db');
    const first = await node(sim, file);
    await enter(first);
    const linked = first.stopOrders.links()[0]!.clientOrderId;
    await first.close();

    const second = await node(sim, file);
    await second.stopOrders.idle();
    expect(second.stopOrders.links().map((l) => l.clientOrderId)).toEqual([linked]);
    expect(venueStops(sim).map((o) => o.request.clientOrderId)).toEqual([linked]);
  });
});
