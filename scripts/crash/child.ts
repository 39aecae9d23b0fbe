// The child trader of the crash test. Start-up is the production path (open the SQLite store, load, reconcile, then
// trade); it then trades small orders against the simulator until the parent kills it with SIGKILL. In 'reconcile'
// mode it places nothing: it reconciles until every intent is settled, prints the outcome and exits.
import { z } from 'zod';
import { LiveClock } from '../../src/core/clock.ts';
import { dec, toPlain, ZERO, type Decimal } from '../../src/core/decimal.ts';
import { errorMessage } from '../../src/core/errors.ts';
import { RandomIdGenerator } from '../../src/core/ids.ts';
import { MessageBus } from '../../src/core/message-bus.ts';
import { createRandom, type Random } from '../../src/core/random.ts';
import { ExecutionEngine } from '../../src/execution/execution-engine.ts';
import { Reconciler, type ReconciliationReport } from '../../src/execution/reconciler.ts';
import type { ExecutionTopics, OrderRequest } from '../../src/execution/types.ts';
import { openStore } from '../../src/persistence/open-store.ts';
import { RobinhoodClient } from '../../src/venues/robinhood/client.ts';
import { RobinhoodVenue } from '../../src/venues/robinhood/venue.ts';
import { CHILD_TIMING, ChildEnvSchema, SYMBOLS } from './child-env.ts';

const env = (() => {
  const r = ChildEnvSchema.safeParse(process.env);
  if (!r.success) {
    process.stderr.write(`crash child: bad environment\n${z.prettifyError(r.error)}\n`);
    process.exit(2);
  }
  return r.data;
})();

const say = (line: string): boolean => process.stdout.write(`${line}\n`);
const warn = (line: string): boolean => process.stderr.write(`${line}\n`);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const store = await openStore({ driver: 'sqlite', sqlitePath: env.CRASH_DB });
const client = new RobinhoodClient({
  apiKey: env.CRASH_API_KEY,
  privateKey: env.CRASH_PRIVATE_KEY,
  baseUrl: env.CRASH_URL,
  accountNumber: env.CRASH_ACCOUNT,
  headersTimeoutMs: 1000,
  bodyTimeoutMs: 1000,
  retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 50 },
  // The budget is Robinhood's business, not this test's: a local simulator takes all we send.
  bucket: { capacity: 100_000, refillAmount: 1000, refillIntervalMs: 10 },
  circuitBreaker: { failureThreshold: 20, halfOpenAfterMs: 200 },
});
const venue = new RobinhoodVenue(client);
const engine = new ExecutionEngine({
  venue,
  store,
  clock: new LiveClock(),
  bus: new MessageBus<ExecutionTopics>(),
  ids: new RandomIdGenerator(),
  accountNumber: env.CRASH_ACCOUNT,
  pollIntervalMs: CHILD_TIMING.pollIntervalMs,
  pollMarginMs: 2000,
  cancelCheckMs: CHILD_TIMING.cancelCheckMs,
});
const reconciler = new Reconciler({
  engine,
  settleWindowMs: CHILD_TIMING.settleWindowMs,
  lookupMarginMs: 5000,
});

function brief(report: ReconciliationReport): Record<string, unknown> {
  return {
    adopted: report.adopted.length,
    failed: report.failed.length,
    awaiting: report.awaiting.length,
    updated: report.updated.length,
    externalOrders: report.externalOrders.length,
    problems: report.problems,
    state: engine.state,
    stateReason: engine.stateReason,
  };
}

// Start-up and crash recovery: one path. A failed start-up (the venue erring more often than the client retries) is
// tried again, as a supervisor would restart the process.
say('STARTING');
const startup = await (async (): Promise<ReconciliationReport> => {
  for (;;) {
    try {
      await engine.load();
      return await reconciler.run();
    } catch (err) {
      warn(`crash child: start-up reconciliation failed, retrying: ${errorMessage(err)}`);
      await sleep(200);
    }
  }
})();

if (env.CRASH_MODE === 'reconcile') {
  await settleAndExit(startup);
} else {
  engine.startPolling();
  reconciler.start(CHILD_TIMING.reconcileIntervalMs);
  say(`READY ${JSON.stringify(brief(startup))}`);
  await trade(createRandom(env.CRASH_SEED));
}

async function settleAndExit(first: ReconciliationReport): Promise<void> {
  let report = first;
  const deadline = Date.now() + 20_000;
  // Intents inside the settle window are neither found nor failed yet: wait them out.
  while (report.awaiting.length > 0 && Date.now() < deadline) {
    await sleep(100);
    report = await reconciler.run();
  }
  await engine.pollOnce();
  report = await reconciler.run();
  say(`FINAL ${JSON.stringify(brief(report))}`);
  engine.stop();
  await client.close();
  await store.close();
  process.exit(report.awaiting.length === 0 ? 0 : 3);
}

interface Touch {
  bid: Decimal;
  ask: Decimal;
}

async function trade(random: Random): Promise<never> {
  const touches = new Map<string, Touch>();
  const available = new Map<string, Decimal>();
  for (let i = 0; ; i++) {
    try {
      if (i % 6 === 0) {
        for (const q of await client.getBestBidAsk(SYMBOLS)) touches.set(q.symbol, { bid: q.bid, ask: q.ask });
      }
      if (i % 10 === 0) {
        const account = await venue.getAccount();
        for (const [asset, h] of account.holdings) available.set(asset, h.available);
      }
      const working = engine.openOrders().filter((o) => o.id !== undefined);
      if (working.length > 0 && random.chance(0.25)) {
        const victim = working[random.int(0, working.length - 1)]!;
        await engine.cancel(victim.clientOrderId, 'crash test: random cancel');
      } else {
        const request = nextOrder(random, touches, available);
        if (request !== undefined) await engine.submit(request);
      }
    } catch (err) {
      warn(`crash child: ${errorMessage(err)}`);
    }
    await sleep(random.int(10, 60));
  }
}

/** A small market or limit order near the touch; sells stay within the available holdings. */
function nextOrder(
  random: Random,
  touches: ReadonlyMap<string, Touch>,
  available: ReadonlyMap<string, Decimal>,
): OrderRequest | undefined {
  const symbol = SYMBOLS[random.int(0, SYMBOLS.length - 1)]!;
  const touch = touches.get(symbol);
  if (touch === undefined) return undefined;
  const btc = symbol === 'BTC-USD';
  const quantity = dec(random.int(1, 30)).times(dec(btc ? '0.0001' : '0.001'));
  let side: 'buy' | 'sell' = random.chance(0.5) ? 'buy' : 'sell';
  const held = available.get(btc ? 'BTC' : 'ETH') ?? ZERO;
  if (side === 'sell' && held.lt(quantity.times(dec(4)))) side = 'buy';
  const base = { symbol, side, quantity: toPlain(quantity), strategyId: 'crash', reason: 'crash test' } as const;
  if (random.chance(0.25)) {
    return { ...base, type: 'market', referencePrice: toPlain(side === 'buy' ? touch.ask : touch.bid) };
  }
  // From two steps through the touch (fills now) to three steps behind it (rests until the market comes).
  const step = dec(btc ? '5' : '0.5').times(dec(random.int(-2, 3)));
  const limitPrice = side === 'buy' ? touch.ask.minus(step) : touch.bid.plus(step);
  return {
    ...base,
    type: 'limit',
    limitPrice: toPlain(limitPrice),
    ...(random.chance(0.3) && { timeoutMs: random.int(200, 1000) }),
  };
}
