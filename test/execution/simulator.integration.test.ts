// The engine against the HTTP simulator through the real client (RobinhoodClient → RobinhoodVenue), with injected
// faults: POST timeouts, 5xx, 429, slow cancels, orders that fail; and a crash-restart on a real SQLite file.
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../support/until.ts';
import { LiveClock } from '../../src/core/clock.ts';
import { dec, sumDec, toPlain } from '../../src/core/decimal.ts';
import { RandomIdGenerator } from '../../src/core/ids.ts';
import { MessageBus } from '../../src/core/message-bus.ts';
import { ExecutionEngine } from '../../src/execution/execution-engine.ts';
import { Reconciler } from '../../src/execution/reconciler.ts';
import type { ExecutionTopics } from '../../src/execution/types.ts';
import type { OrderStatus } from '../../src/model/order.ts';
import { openStore } from '../../src/persistence/open-store.ts';
import type { Store } from '../../src/persistence/store.ts';
import { RobinhoodClient } from '../../src/venues/robinhood/client.ts';
import { RobinhoodVenue } from '../../src/venues/robinhood/venue.ts';
import { generateCredential, startSimulator, type SimulatorHandle } from '../../src/venues/simulator/index.ts';

interface Paper {
  sim: SimulatorHandle;
  client: RobinhoodClient;
  venue: RobinhoodVenue;
  store: Store;
  engine: ExecutionEngine;
  reconciler: Reconciler;
  events: Array<{ topic: string; type: string }>;
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const credential = generateCredential('100000');

async function startSim(): Promise<SimulatorHandle> {
  const sim = await startSimulator({
    accounts: [credential],
    data: 'none',
    speed: 0,
    rateLimit: false,
    seed: 3,
    cancelDelayMs: 200,
  });
  cleanups.push(() => sim.close());
  sim.setQuote('BTC-USD', '65000', '65001', '1');
  return sim;
}

async function paper(sim: SimulatorHandle, sqlitePath = ':memory:'): Promise<Paper> {
  const client = new RobinhoodClient({
    apiKey: credential.api_key,
    privateKey: credential.private_key,
    baseUrl: sim.url,
    headersTimeoutMs: 400,
    bodyTimeoutMs: 400,
    retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20 },
  });
  const venue = new RobinhoodVenue(client);
  const store = await openStore({ driver: 'sqlite', sqlitePath });
  const bus = new MessageBus<ExecutionTopics>();
  const events: Paper['events'] = [];
  bus.subscribeAll((topic, m) => events.push({ topic, type: (m as { type: string }).type }));
  const engine = new ExecutionEngine({
    venue,
    store,
    clock: new LiveClock(),
    bus,
    ids: new RandomIdGenerator(),
    accountNumber: credential.account_number,
    pollMarginMs: 2000,
    cancelCheckMs: 100,
  });
  await engine.load();
  await client.accountNumber(); // v2 discovers it once; later faults then hit the order POST itself
  const reconciler = new Reconciler({ engine, settleWindowMs: 300, lookupMarginMs: 5000 });
  cleanups.push(async () => {
    engine.stop();
    await client.close().catch(() => undefined); // already closed by a simulated crash
    await store.close().catch(() => undefined);
  });
  return { sim, client, venue, store, engine, reconciler, events };
}

const statusOf = (p: Paper, cid: string): OrderStatus | undefined => p.engine.getOrder(cid)?.status;
const simOrdersFor = (sim: SimulatorHandle, cid: string) =>
  sim.engine.orders().filter((o) => o.request.clientOrderId === cid);
const buy = (quantity: string, limitPrice: string) =>
  ({
    symbol: 'BTC-USD',
    side: 'buy',
    type: 'limit',
    quantity,
    limitPrice,
    strategyId: 's1',
    reason: 'integration',
  }) as const;

describe('engine ↔ HTTP simulator', () => {
  it('fills a marketable order in parts with exact fees equal to the venue’s', async () => {
    const sim = await startSim();
    const p = await paper(sim);
    await p.reconciler.run();
    sim.setQuote('BTC-USD', '65000', '65001', '0.004'); // participation 0.5 → 0.002 per quote
    const order = await p.engine.submit(buy('0.006', '66000'));
    expect(order.status).toBe('open');
    for (const ask of ['65002', '65003', '65004']) {
      sim.setQuote('BTC-USD', '65000', ask, '0.004');
      await p.engine.pollOnce();
    }
    await until('filled', async () => {
      await p.engine.pollOnce();
      return statusOf(p, order.clientOrderId) === 'filled';
    });
    const local = p.engine.getOrder(order.clientOrderId)!;
    const venueOrder = simOrdersFor(sim, order.clientOrderId)[0]!;
    expect(toPlain(local.filledQuantity)).toBe('0.006');
    expect(toPlain(local.fees)).toBe(toPlain(venueOrder.feeCharged));
    expect(local.fillIds.length).toBe(venueOrder.executions.length);
    const fills = await p.store.fillsForOrder(order.clientOrderId);
    expect(toPlain(sumDec(fills.map((f) => f.fee)))).toBe(toPlain(venueOrder.feeCharged));
    const report = await p.reconciler.run();
    expect(report.problems).toEqual([]);
    expect(report.holdings.find((x) => x.asset === 'BTC')).toMatchObject({
      venueChange: '0.006',
      localChange: '0.006',
    });
  });

  it('POST timeout on an order the simulator created → unknown → adopted, never duplicated', async () => {
    const sim = await startSim();
    const p = await paper(sim);
    sim.setFaults('post-timeout:1');
    const order = await p.engine.submit(buy('0.001', '60000'));
    expect(order.status).toBe('unknown');
    sim.setFaults('');
    const report = await p.reconciler.run();
    expect(report.adopted).toEqual([order.clientOrderId]);
    expect(statusOf(p, order.clientOrderId)).toBe('open');
    expect(simOrdersFor(sim, order.clientOrderId)).toHaveLength(1);
  });

  it.each([
    ['5xx', '5xx:1'],
    ['429', '429:1'],
  ])('a %s on POST leaves the order unknown; not created → failed after the settle window', async (_n, spec) => {
    const sim = await startSim();
    const p = await paper(sim);
    sim.setFaults(spec);
    const order = await p.engine.submit(buy('0.001', '60000'));
    expect(order.status).toBe('unknown');
    sim.setFaults('');
    await until('settle window', () => Date.now() - order.createdAt > 300);
    const report = await p.reconciler.run();
    expect(report.awaiting).toEqual([]);
    expect(report.failed).toEqual([order.clientOrderId]);
    expect(statusOf(p, order.clientOrderId)).toBe('failed');
    expect(simOrdersFor(sim, order.clientOrderId)).toHaveLength(0);
    expect(p.engine.state).toBe('RUNNING');
  });

  it('tracks a slow cancel until the simulator reports it canceled', async () => {
    const sim = await startSim();
    const p = await paper(sim);
    sim.setFaults('cancel-delay:600');
    const order = await p.engine.submit(buy('0.001', '60000'));
    await p.engine.cancel(order.clientOrderId, 'test');
    await p.engine.pollOnce();
    expect(statusOf(p, order.clientOrderId)).toBe('open');
    expect(p.engine.pendingCancel(order.clientOrderId)).toBeDefined();
    await until('canceled', async () => {
      await p.engine.pollOnce();
      return statusOf(p, order.clientOrderId) === 'canceled';
    });
    expect(p.engine.pendingCancel(order.clientOrderId)).toBeUndefined();
  });

  it('an order the venue fails is failed locally', async () => {
    const sim = await startSim();
    const p = await paper(sim);
    sim.setFaults('fail-orders:1');
    const order = await p.engine.submit(buy('0.001', '60000'));
    await until('failed', async () => {
      await p.engine.pollOnce();
      return statusOf(p, order.clientOrderId) === 'failed';
    });
    expect(p.events.some((e) => e.type === 'OrderFailed')).toBe(true);
  });

  it('5xx and 429 on reads are retried by the client: polling still converges', async () => {
    const sim = await startSim();
    const p = await paper(sim);
    const order = await p.engine.submit(buy('0.001', '66000'));
    sim.setFaults('5xx:0.3,429:0.2');
    await until(
      'filled',
      async () => {
        await p.engine.pollOnce().catch(() => undefined);
        return statusOf(p, order.clientOrderId) === 'filled';
      },
      15_000,
    );
    sim.setFaults('');
    expect(simOrdersFor(sim, order.clientOrderId)).toHaveLength(1);
  });
});

describe('crash and restart on a SQLite file', () => {
  it('a new engine on the same file finds out what became of every order', async () => {
    const file = path.join(tmpdir(), `sherwood-exec-${process.pid}-${Date.now()}.db`);
    cleanups.push(() => {
      for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
    });
    const sim = await startSim();
    const a = await paper(sim, file);
    await a.reconciler.run();
    const filled = await a.engine.submit(buy('0.001', '66000'));
    const working = await a.engine.submit(buy('0.002', '60000'));
    sim.setFaults('post-timeout:1');
    const lost = await a.engine.submit(buy('0.003', '60000'));
    sim.setFaults('');
    expect(lost.status).toBe('unknown');
    // An intent journaled just before a crash, never sent.
    const neverSent = '33333333-3333-4333-8333-333333333333';
    const crashedAt = Date.now();
    await a.store.recordOrderIntent({
      clientOrderId: neverSent,
      accountNumber: credential.account_number,
      strategyId: 's1',
      symbol: 'BTC-USD',
      side: 'buy',
      type: 'limit',
      timeInForce: 'gtc',
      quantity: dec('0.004'),
      limitPrice: dec('60000'),
      createdAt: crashedAt,
    });
    // Crash: the engine goes away without another word; the venue moves on meanwhile.
    a.engine.stop();
    await a.client.close();
    await a.store.close();
    sim.setQuote('BTC-USD', '59000', '59001', '1'); // the working buy at 60000 becomes marketable
    await until(
      'venue fill',
      () => simOrdersFor(sim, working.clientOrderId)[0]?.state === 'filled' || (sim.engine.process(), false),
    );

    const b = await paper(sim, file);
    await until('settle window', () => Date.now() - crashedAt > 400);
    const report = await b.reconciler.run();
    expect(report.adopted).toEqual(expect.arrayContaining([lost.clientOrderId]));
    expect(report.failed).toEqual([neverSent]);
    expect(statusOf(b, filled.clientOrderId) ?? (await b.store.getOrder(filled.clientOrderId))?.status).toBe('filled');
    expect(statusOf(b, working.clientOrderId)).toBe('filled');
    expect(statusOf(b, lost.clientOrderId)).toBe('filled');
    for (const cid of [filled.clientOrderId, working.clientOrderId, lost.clientOrderId]) {
      expect(simOrdersFor(sim, cid)).toHaveLength(1);
    }
    expect(simOrdersFor(sim, neverSent)).toHaveLength(0);
    expect(report.problems).toEqual([]);
    const btc = report.holdings.find((x) => x.asset === 'BTC')!;
    expect(btc).toMatchObject({ venueChange: '0.006', localChange: '0.006', difference: '0' });
  });
});
