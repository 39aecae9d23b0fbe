import { describe, expect, it } from 'vitest';
import { MemoryTokenBucket, RateBudget, type Priority } from '../../../src/venues/robinhood/rate-budget.ts';
import { flush, ManualTimers } from './helpers.ts';

describe('MemoryTokenBucket', () => {
  it('grants the capacity at once, then one token per refill interval', () => {
    const bucket = new MemoryTokenBucket({ capacity: 300, refillAmount: 1, refillIntervalMs: 600 }, 0);
    for (let i = 0; i < 300; i++) expect(bucket.tryTake(0)).toBe(0);
    expect(bucket.tryTake(0)).toBe(600);
    expect(bucket.tryTake(599)).toBe(1);
    expect(bucket.tryTake(600)).toBe(0);
    expect(bucket.tryTake(600)).toBe(600);
    // 100 per minute sustained
    expect(bucket.available(60_600)).toBe(100);
  });

  it('never exceeds its capacity however long it idles', () => {
    const bucket = new MemoryTokenBucket({ capacity: 5, refillAmount: 1, refillIntervalMs: 1000 }, 0);
    expect(bucket.available(1_000_000)).toBe(5);
    for (let i = 0; i < 5; i++) bucket.tryTake(1_000_000);
    expect(bucket.tryTake(1_000_000)).toBe(1000);
  });

  it('supports a bulk refill (100 tokens each minute)', () => {
    const bucket = new MemoryTokenBucket({ capacity: 300, refillAmount: 100, refillIntervalMs: 60_000 }, 0);
    for (let i = 0; i < 300; i++) bucket.tryTake(0);
    expect(bucket.available(59_999)).toBe(0);
    expect(bucket.available(60_000)).toBe(100);
  });

  it('grants nothing while blocked and starts empty afterwards', () => {
    const bucket = new MemoryTokenBucket({ capacity: 5, refillAmount: 1, refillIntervalMs: 100 }, 0);
    bucket.block(1000);
    expect(bucket.tryTake(500)).toBe(500);
    expect(bucket.available(1000)).toBe(0);
    expect(bucket.tryTake(1100)).toBe(0);
  });
});

describe('RateBudget', () => {
  function drainedBudget(timers: ManualTimers): RateBudget {
    const budget = new RateBudget({ timers, bucket: { capacity: 3, refillAmount: 1, refillIntervalMs: 600 } });
    for (let i = 0; i < 3; i++) void budget.acquire('account');
    return budget;
  }

  it('lets callers through immediately while tokens last', async () => {
    const timers = new ManualTimers();
    const budget = new RateBudget({ timers, bucket: { capacity: 2, refillAmount: 1, refillIntervalMs: 600 } });
    const done: string[] = [];
    void budget.acquire('account').then(() => done.push('a'));
    void budget.acquire('account').then(() => done.push('b'));
    void budget.acquire('account').then(() => done.push('c'));
    await flush();
    expect(done).toEqual(['a', 'b']);
    await timers.advance(600);
    expect(done).toEqual(['a', 'b', 'c']);
  });

  it('serves a cancel queued behind 200 market-data waiters first', async () => {
    const timers = new ManualTimers();
    const budget = drainedBudget(timers);
    const order: string[] = [];
    for (let i = 0; i < 200; i++) void budget.acquire('market_data').then(() => order.push(`md${i}`));
    void budget.acquire('cancel').then(() => order.push('cancel'));
    expect(budget.state().queued).toMatchObject({ market_data: 200, cancel: 1 });
    await timers.advance(600);
    expect(order).toEqual(['cancel']);
    await timers.advance(1200);
    expect(order).toEqual(['cancel', 'md0', 'md1']);
  });

  it('orders waiters by priority, then by arrival', async () => {
    const timers = new ManualTimers();
    const budget = drainedBudget(timers);
    const order: string[] = [];
    const enqueue = (p: Priority, tag: string): void => void budget.acquire(p).then(() => order.push(tag));
    enqueue('account', 'acct1');
    enqueue('market_data', 'md1');
    enqueue('order_status', 'st1');
    enqueue('place', 'place1');
    enqueue('market_data', 'md2');
    enqueue('cancel', 'cancel1');
    enqueue('place', 'place2');
    await timers.advance(600 * 7);
    expect(order).toEqual(['cancel1', 'place1', 'place2', 'st1', 'md1', 'md2', 'acct1']);
  });

  it('holds everyone for Retry-After after a 429', async () => {
    const timers = new ManualTimers();
    const budget = new RateBudget({ timers, bucket: { capacity: 10, refillAmount: 1, refillIntervalMs: 100 } });
    budget.onRateLimited(5000);
    expect(budget.state()).toMatchObject({ available: 0, blockedForMs: 5000 });
    let granted = false;
    void budget.acquire('cancel').then(() => (granted = true));
    await timers.advance(5000);
    expect(granted).toBe(false); // the bucket restarts empty
    await timers.advance(100);
    expect(granted).toBe(true);
  });

  it('backs off exponentially on consecutive 429s without Retry-After, and resets after an answer', () => {
    const timers = new ManualTimers();
    const budget = new RateBudget({ timers, backoffMs: 1000, maxBackoffMs: 3000 });
    budget.onRateLimited(undefined);
    expect(budget.state().blockedForMs).toBe(1000);
    budget.onRateLimited(undefined);
    expect(budget.state().blockedForMs).toBe(2000);
    budget.onRateLimited(undefined);
    expect(budget.state().blockedForMs).toBe(3000);
    budget.onAnswered();
    budget.onRateLimited(undefined);
    expect(budget.state().blockedForMs).toBe(3000); // still the longer earlier block
  });
});
