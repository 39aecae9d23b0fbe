import { describe, expect, it } from 'vitest';
import type { Bar } from '../../src/model/market.ts';
import type { Fill } from '../../src/model/fill.ts';
import type { Order } from '../../src/model/order.ts';
import { Strategy } from '../../src/strategies/strategy.ts';
import type { JsonValue, StrategyContext } from '../../src/strategies/types.ts';
import { z } from 'zod';
import { barsFrom, FakeStore, harness } from './helpers.ts';

const Schema = z.object({ size: z.number().gt(0).default(0.01) });

/** Records everything; buys on every bar when `buy` is set. */
class Probe extends Strategy<z.output<typeof Schema>> {
  static readonly paramsSchema = Schema;
  readonly seen: string[] = [];
  readonly fills: Fill[] = [];
  readonly updates: Order[] = [];
  results: unknown[] = [];
  buy = false;
  fail = false;
  counter = 0;
  constructor(
    readonly tag = 'p',
    params: z.input<typeof Schema> = {},
  ) {
    super(Schema, params);
  }
  override onStart(ctx: StrategyContext): void {
    this.seen.push(`${this.tag}:start:${ctx.id}`);
  }
  override async onBar(bar: Bar): Promise<void> {
    this.seen.push(`${this.tag}:bar:${bar.close}`);
    this.counter++;
    if (this.fail) throw new Error('boom');
    if (this.buy)
      this.results.push(
        await this.ctx.orders.limit(bar.symbol, 'buy', this.params.size, bar.close, { reason: 'probe' }),
      );
  }
  override onFill(fill: Fill): void {
    this.fills.push(fill);
  }
  override onOrderUpdate(order: Order): void {
    this.updates.push(order);
  }
  override onTimer(name: string): void {
    this.seen.push(`${this.tag}:timer:${name}`);
  }
  override onStop(): void {
    this.seen.push(`${this.tag}:stop`);
  }
  override saveState(): JsonValue {
    return { counter: this.counter };
  }
  override loadState(state: JsonValue): void {
    this.counter = z.object({ counter: z.number() }).parse(state).counter;
  }
}

describe('StrategyRunner', () => {
  it('dispatches in the order added, only to strategies trading the symbol, and awaits async handlers', async () => {
    const h = harness();
    const a = new Probe('a');
    const b = new Probe('b');
    const c = new Probe('c');
    h.runner.add(a, { id: 'a', symbols: ['BTC-USD'] });
    h.runner.add(b, { id: 'b', symbols: ['BTC-USD', 'ETH-USD'] });
    h.runner.add(c, { id: 'c', symbols: ['ETH-USD'] });
    await h.runner.start();
    for (const bar of barsFrom([100, 101])) await h.bar(bar);
    expect(a.seen).toEqual(['a:start:a', 'a:bar:100', 'a:bar:101']);
    expect(b.seen).toEqual(['b:start:b', 'b:bar:100', 'b:bar:101']);
    expect(c.seen).toEqual(['c:start:c']);
  });

  it('rounds orders to the pair, routes fills and order updates to the owning strategy only', async () => {
    const h = harness();
    const a = new Probe('a', { size: 0.123456789 });
    const b = new Probe('b');
    a.buy = true;
    h.runner.add(a, { id: 'a', symbols: ['BTC-USD'] });
    h.runner.add(b, { id: 'b', symbols: ['BTC-USD'] });
    await h.runner.start();
    await h.bar(barsFrom([100.129])[0]!);
    const req = h.execution.requests[0]!;
    expect(String(req.quantity)).toBe('0.12345678');
    expect(String(req.limitPrice)).toBe('100.12');
    expect(req.strategyId).toBe('a');
    await h.fill('order-1');
    expect(a.fills).toHaveLength(1);
    expect(a.updates.map((o) => o.status)).toEqual(['filled']);
    expect(b.fills).toHaveLength(0);
    expect(h.portfolio.position('BTC-USD', 'a').quantity.toString()).toBe('0.12345678');
  });

  it('denies by risk: OrderDenied journaled with rule and reason, returned to the strategy, nothing sent', async () => {
    const h = harness({
      risk: {
        check: () => ({
          approved: false,
          rule: 'max_position',
          reason: 'position would exceed 0.5 BTC',
          value: '1',
          limit: '0.5',
        }),
      },
    });
    const a = new Probe('a');
    a.buy = true;
    h.runner.add(a, { id: 'a', symbols: ['BTC-USD'] });
    await h.runner.start();
    await h.bar(barsFrom([100])[0]!);
    expect(h.execution.requests).toHaveLength(0);
    expect(a.results[0]).toMatchObject({
      ok: false,
      denial: { type: 'OrderDenied', rule: 'max_position', strategyId: 'a' },
    });
    expect(h.store.events).toHaveLength(1);
    expect(h.store.events[0]).toMatchObject({
      type: 'OrderDenied',
      payload: {
        rule: 'max_position',
        reason: 'position would exceed 0.5 BTC',
        value: '1',
        limit: '0.5',
        quantity: '0.01',
      },
    });
    expect(h.runner.stats()[0]).toMatchObject({ denials: 1, orders: 0 });
  });

  it('keeps each strategy within its budget, counting holdings at cost and open buys', async () => {
    const h = harness();
    const a = new Probe('a', { size: 1 });
    a.buy = true;
    h.runner.add(a, { id: 'a', symbols: ['BTC-USD'], budget: '250' });
    await h.runner.start();
    await h.bar(barsFrom([100])[0]!); // 100 committed (open)
    await h.fill('order-1'); // 100 held at cost
    await h.bar(barsFrom([100, 100], 'BTC-USD')[1]!); // 200
    await h.bar({ ...barsFrom([100])[0]!, timestamp: h.clock.now() }); // 300 > 250: denied
    expect(h.execution.requests).toHaveLength(2);
    const last = a.results[2] as { ok: false; denial: { rule: string; reason: string } };
    expect(last.ok).toBe(false);
    expect(last.denial.rule).toBe('strategy_budget');
    expect(last.denial.reason).toContain('exceeds the strategy');
  });

  it('denies an order whose size rounds to zero before risk, naming the increment', async () => {
    const h = harness();
    const a = new Probe('a', { size: 0.000000001 });
    a.buy = true;
    h.runner.add(a, { id: 'a', symbols: ['BTC-USD'] });
    await h.runner.start();
    await h.bar(barsFrom([100])[0]!);
    expect(a.results[0]).toMatchObject({ ok: false, denial: { rule: 'order_size' } });
    expect((a.results[0] as { denial: { reason: string } }).denial.reason).toContain('0.00000001');
  });

  it('isolates errors: N consecutive failures stop that strategy and cancel its orders, others continue', async () => {
    const h = harness({ maxErrors: 3 });
    const bad = new Probe('bad');
    const good = new Probe('good');
    h.runner.add(bad, { id: 'bad', symbols: ['BTC-USD'] });
    h.runner.add(good, { id: 'good', symbols: ['BTC-USD'] });
    await h.runner.start();
    bad.buy = true;
    await h.bar(barsFrom([100])[0]!);
    bad.buy = false;
    bad.fail = true;
    const bars = barsFrom([1, 2, 3, 4, 5], 'BTC-USD', h.clock.now());
    for (const bar of bars) await h.bar(bar);
    expect(h.runner.status('bad')).toBe('failed');
    expect(bad.counter).toBe(4); // 1 ok + 3 failures, then no more
    expect(good.counter).toBe(6);
    expect(h.execution.canceled).toEqual(['order-1']);
    expect(h.runner.stats()[0]).toMatchObject({ errors: 3, status: 'failed' });
  });

  it('saves state on stop and restores it on start; timers fire onTimer', async () => {
    const store = new FakeStore();
    const h = harness({ store });
    const a = new Probe('a');
    h.runner.add(a, { id: 'a', symbols: ['BTC-USD'] });
    await h.runner.start();
    a.ctx.setTimer('tick', 1000);
    h.clock.advanceBy(2500);
    await h.runner.idle();
    expect(a.seen.filter((s) => s.includes('timer'))).toEqual(['a:timer:tick', 'a:timer:tick']);
    for (const bar of barsFrom([1, 2, 3], 'BTC-USD', h.clock.now())) await h.bar(bar);
    await h.runner.stop();
    expect(a.seen.at(-1)).toBe('a:stop');
    expect(store.states.get('a')?.state).toEqual({ counter: 3 });

    const h2 = harness({ store });
    const again = new Probe('a');
    h2.runner.add(again, { id: 'a', symbols: ['BTC-USD'] });
    await h2.runner.start();
    expect(again.counter).toBe(3);
  });

  it('refuses duplicate ids, empty symbol lists and non-positive budgets', () => {
    const h = harness();
    h.runner.add(new Probe(), { id: 'x', symbols: ['BTC-USD'] });
    expect(() => h.runner.add(new Probe(), { id: 'x', symbols: ['BTC-USD'] })).toThrow(/already taken/);
    expect(() => h.runner.add(new Probe(), { id: 'y', symbols: [] })).toThrow(/at least one symbol/);
    expect(() => h.runner.add(new Probe(), { id: 'z', symbols: ['BTC-USD'], budget: '0' })).toThrow(/greater than 0/);
  });

  it('returns no promise for synchronous handlers (the backtest fast path)', async () => {
    class Sync extends Strategy<z.output<typeof Schema>> {
      static readonly paramsSchema = Schema;
      n = 0;
      constructor() {
        super(Schema, {});
      }
      override onBar(): void {
        this.n++;
      }
    }
    const h = harness();
    const s = new Sync();
    h.runner.add(s, { id: 's', symbols: ['BTC-USD'] });
    await h.runner.start();
    expect(h.runner.onBar(barsFrom([1])[0]!)).toBeUndefined();
    expect(s.n).toBe(1);
  });
});
