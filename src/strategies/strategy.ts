// The Strategy base class. A strategy is a small state machine fed by the runner: market events, its own fills and
// order updates, timers. It reads the market cache and the portfolio (the only sources of truth), and trades through
// the order factory on its context. Parameters are a zod schema beside the class: defaults and bounds live there, so
// config, the CLI and the optimizer validate the same way.
import { z } from 'zod';
import { getPath } from '../config/paths.ts';
import { ValidationError } from '../core/errors.ts';
import type { Fill } from '../model/fill.ts';
import type { Bar, Quote, Trade } from '../model/market.ts';
import type { Order } from '../model/order.ts';
import type { BookView, JsonValue, StrategyContext } from './types.ts';

/** A handler's result: return the promise when the handler does async work (ordering); the runner awaits it. */
export type HandlerResult = void | Promise<void>;

/**
 * Parameters a strategy refused: one line per problem, naming the field and the value. The registry re-labels it
 * with the configured id and type (the constructor knows only its class).
 */
export class StrategyParamsError extends ValidationError {
  readonly problems: readonly string[];

  constructor(strategy: string, problems: readonly string[]) {
    super(`invalid parameters for strategy ${strategy}: ${problems.join('; ')}`, { strategy, problems });
    this.problems = problems;
  }
}

/**
 * Parses a strategy's parameters; the error names each bad field and value, and cross-field rules (superRefine in the
 * schema) say why a combination is impossible. A name the schema does not know is refused rather than dropped (a
 * misspelt `fastt=5` would otherwise run the default silently).
 */
export function parseParams<P>(schema: z.ZodType<P>, params: unknown, strategyName: string): P {
  const raw = params ?? {};
  const known = paramNames(schema);
  const problems = unknownParams(schema, raw).map((key) => `unknown parameter "${key}"; known: ${known.join(', ')}`);
  const result = schema.safeParse(raw);
  if (!result.success) problems.push(...result.error.issues.map((issue) => describeIssue(issue, raw)));
  if (problems.length > 0 || !result.success) throw new StrategyParamsError(strategyName, problems);
  return result.data;
}

/** The parameter names an object schema lists (none for another kind of schema). */
export function paramNames(schema: z.ZodType): string[] {
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

/** The names in `raw` that the schema does not list: none when it takes any name (`catchall`, `looseObject`). */
export function unknownParams(schema: z.ZodType, raw: unknown): string[] {
  if (!(schema instanceof z.ZodObject) || typeof raw !== 'object' || raw === null || Array.isArray(raw)) return [];
  if (schema.def.catchall !== undefined && !(schema.def.catchall instanceof z.ZodNever)) return [];
  const known = paramNames(schema);
  return Object.keys(raw).filter((key) => !known.includes(key));
}

function describeIssue(issue: z.core.$ZodIssue, raw: unknown): string {
  const path = issue.path.map(String).join('.');
  const value = getPath(raw, issue.path);
  if (issue.code === 'invalid_type' && value === undefined) return `${path} is required`;
  // A refinement's message states its values already.
  const got = issue.code === 'custom' || value === undefined ? '' : ` (got ${JSON.stringify(value)})`;
  return `${path === '' ? 'parameters' : path}: ${issue.message}${got}`;
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
