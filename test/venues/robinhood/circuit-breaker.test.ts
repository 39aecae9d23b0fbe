import { describe, expect, it } from 'vitest';
import { CircuitOpenError } from '../../../src/core/errors.ts';
import { CircuitBreaker } from '../../../src/venues/robinhood/circuit-breaker.ts';
import { ManualTimers } from './helpers.ts';

describe('CircuitBreaker', () => {
  it('opens after N consecutive failures, half-opens after the delay, and closes on a successful trial', async () => {
    const timers = new ManualTimers();
    const breaker = new CircuitBreaker('trading', { failureThreshold: 3, halfOpenAfterMs: 1000, timers });
    for (let i = 0; i < 3; i++) {
      breaker.admit('x');
      breaker.onFailure();
    }
    expect(breaker.state).toBe('open');
    expect(() => breaker.admit('v2.orders.get')).toThrow(CircuitOpenError);
    expect(breaker.health()).toMatchObject({ state: 'open', consecutiveFailures: 3, retryAtMs: timers.now() + 1000 });
    await timers.advance(1000);
    expect(breaker.state).toBe('half-open');
    breaker.admit('trial'); // one trial goes through
    expect(() => breaker.admit('second')).toThrow(CircuitOpenError);
    breaker.onSuccess();
    expect(breaker.health()).toMatchObject({ state: 'closed', consecutiveFailures: 0 });
  });

  it('re-opens when the half-open trial fails', async () => {
    const timers = new ManualTimers();
    const breaker = new CircuitBreaker('market_data', { failureThreshold: 1, halfOpenAfterMs: 500, timers });
    breaker.onFailure();
    await timers.advance(500);
    breaker.admit('trial');
    breaker.onFailure();
    expect(breaker.state).toBe('open');
    await timers.advance(499);
    expect(breaker.state).toBe('open');
    await timers.advance(1);
    expect(breaker.state).toBe('half-open');
  });

  it('a success between failures resets the count', () => {
    const breaker = new CircuitBreaker('account', { failureThreshold: 2 });
    breaker.onFailure();
    breaker.onSuccess();
    breaker.onFailure();
    expect(breaker.state).toBe('closed');
  });
});
