// The Strategy base class. A strategy is a small state machine fed by the runner: market events, its own fills and
// order updates, timers. It reads the market cache and the portfolio (the only sources of truth), and trades through
// the order factory on its context. Parameters are a zod schema beside the class: defaults and bounds live there, so
// config, the CLI and the optimizer validate the same way.
import { z } from 'zod';
import { ValidationError } from '../core/errors.ts';
import type { Fill } from '../model/fill.ts';
import type { Bar, Quote, Trade } from '../model/market.ts';
import type { Order } from '../model/order.ts';
import type { BookView, JsonValue, StrategyContext } from './types.ts';

/** A handler's result: return the promise when the handler does async work (ordering); the runner awaits it. */
export type HandlerResult = void | Promise<void>;

/**
 * Parses a strategy's parameters; the error names each bad field and value, and cross-field rules (superRefine in the
 * schema) say why a combination is impossible.
 */
export function parseParams<P>(schema: z.ZodType<P>, params: unknown, strategyName: string): P {
  const result = schema.safeParse(params ?? {});
  if (!result.success) {
    throw new ValidationError(`invalid parameters for strategy ${strategyName}: ${z.prettifyError(result.error)}`, {
      strategy: strategyName,
      issues: result.error.issues,
    });
  }
  return result.data;
}

export abstract class Strategy<P = unknown> {
  readonly params: P;
  #ctx: StrategyContext | undefined;

  /**
   * @param schema the class's exported params schema (also its static `paramsSchema`)
   * @param params raw parameters (config, CLI, optimizer); parsed here, so an instance always has valid ones
   */
  protected constructor(schema: z.ZodType<P>, params: unknown) {
    this.params = parseParams(schema, params, new.target.name);
  }

  /** Set by the runner just before `onStart`. */
  get ctx(): StrategyContext {
    if (this.#ctx === undefined) {
      throw new ValidationError(`strategy ${this.constructor.name} has no context yet: it is given at start`, {});
    }
    return this.#ctx;
  }

  get started(): boolean {
    return this.#ctx !== undefined;
  }

  /** Called by the runner (not by strategies) before `onStart`. */
  attachContext(ctx: StrategyContext): void {
    this.#ctx = ctx;
  }

  // Handlers: override what the strategy needs. They may be async; the runner delivers a strategy's events one at a
  // time, in order, awaiting each.
  onStart(_ctx: StrategyContext): HandlerResult {}
  onQuote(_quote: Quote): HandlerResult {}
  onBar(_bar: Bar): HandlerResult {}
  onTrade(_trade: Trade): HandlerResult {}
  onBook(_book: BookView): HandlerResult {}
  /** One of this strategy's fills; the portfolio has already booked it. */
  onFill(_fill: Fill): HandlerResult {}
  /** This strategy's order after a change (accepted, filled, canceled, rejected...). */
  onOrderUpdate(_order: Order): HandlerResult {}
  onTimer(_name: string): HandlerResult {}
  onStop(): HandlerResult {}

  /** State to carry across a restart (JSON). Positions and orders are not state: they come from the portfolio. */
  saveState(): JsonValue {
    return null;
  }
  /** Restores what `saveState` returned, before `onStart`. */
  loadState(_state: JsonValue): void {}
}

/** A strategy class as the registry holds it: constructible from raw params, with its schema. */
export interface StrategyClass {
  // `never`: each class takes its own typed input; the registry passes validated-at-runtime params through a cast.
  new (params: never): Strategy<unknown>;
  readonly paramsSchema: z.ZodType;
  /** One line for `sherwood strategies` and the docs. */
  readonly description?: string;
}
