// A circuit breaker per endpoint group: after N consecutive failures (5xx, network, timeout; never 4xx) calls fail
// fast for a while, then one trial call decides between closing again and re-opening.
import { CircuitOpenError } from '../../core/errors.ts';
import type { Timers } from './timers.ts';
import { realTimers } from './timers.ts';

export type CircuitState = 'closed' | 'open' | 'half-open';
export type EndpointGroup = 'trading' | 'market_data' | 'account';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. */
  failureThreshold?: number;
  /** How long the circuit stays open before one trial call is let through. */
  halfOpenAfterMs?: number;
  timers?: Timers;
}

export interface CircuitHealth {
  state: CircuitState;
  consecutiveFailures: number;
  openedAtMs: number | undefined;
  /** When an open circuit lets a trial call through. */
  retryAtMs: number | undefined;
}

export class CircuitBreaker {
  readonly name: string;
  readonly #threshold: number;
  readonly #halfOpenAfterMs: number;
  readonly #timers: Timers;
  #state: CircuitState = 'closed';
  #failures = 0;
  #openedAtMs: number | undefined;
  #trialInFlight = false;
  /** Why the last call failed: an open circuit says it, so that "connection refused at URL" is not hidden. */
  #lastFailure: string | undefined;

  constructor(name: string, options: CircuitBreakerOptions = {}) {
    this.name = name;
    this.#threshold = options.failureThreshold ?? 5;
    this.#halfOpenAfterMs = options.halfOpenAfterMs ?? 10_000;
    this.#timers = options.timers ?? realTimers;
  }

  get state(): CircuitState {
    if (this.#state === 'open' && this.#timers.now() >= (this.#openedAtMs ?? 0) + this.#halfOpenAfterMs) {
      this.#state = 'half-open';
      this.#trialInFlight = false;
    }
    return this.#state;
  }

  /** Throws CircuitOpenError when the call must not go out; in half-open, lets exactly one trial through. */
  admit(endpoint: string): void {
    const state = this.state;
    if (state === 'closed') return;
    if (state === 'half-open' && !this.#trialInFlight) {
      this.#trialInFlight = true;
      return;
    }
    const retryAtMs = (this.#openedAtMs ?? 0) + this.#halfOpenAfterMs;
    const last = this.#lastFailure === undefined ? '' : ` (the last: ${this.#lastFailure})`;
    throw new CircuitOpenError(
      `circuit '${this.name}' is ${state} after ${this.#failures} consecutive failures${last}; ${endpoint} not sent`,
      {
        endpoint,
        group: this.name,
        state,
        retryAtMs,
        ...(this.#lastFailure !== undefined && { lastFailure: this.#lastFailure }),
      },
    );
  }

  /** The server answered (any status below 500): it is alive. */
  onSuccess(): void {
    this.#state = 'closed';
    this.#failures = 0;
    this.#openedAtMs = undefined;
    this.#trialInFlight = false;
  }

  onFailure(reason?: string): void {
    this.#failures++;
    this.#lastFailure = reason;
    if (this.#state === 'half-open' || this.#failures >= this.#threshold) {
      this.#state = 'open';
      this.#openedAtMs = this.#timers.now();
      this.#trialInFlight = false;
    }
  }

  health(): CircuitHealth {
    const state = this.state;
    return {
      state,
      consecutiveFailures: this.#failures,
      openedAtMs: this.#openedAtMs,
      retryAtMs: state === 'closed' ? undefined : (this.#openedAtMs ?? 0) + this.#halfOpenAfterMs,
    };
  }
}
