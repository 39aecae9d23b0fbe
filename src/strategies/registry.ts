// The strategy registry: built-ins by name, user strategies from a .ts/.js file (its default export or a named
// `strategy` export must be a Strategy subclass with a static zod `paramsSchema`), and parameter docs from the schemas.
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { ConfigError, errorMessage } from '../core/errors.ts';
import { DcaStrategy } from './builtin/dca.ts';
import { GridStrategy } from './builtin/grid.ts';
import { MarketMakingStrategy } from './builtin/market-making.ts';
import { MeanReversionStrategy } from './builtin/mean-reversion.ts';
import { TrendStrategy } from './builtin/trend.ts';
import { Strategy, StrategyParamsError, type StrategyClass } from './strategy.ts';

export const BUILTIN_STRATEGIES: Readonly<Record<string, StrategyClass>> = {
  market_making: MarketMakingStrategy,
  grid: GridStrategy,
  dca: DcaStrategy,
  trend: TrendStrategy,
  mean_reversion: MeanReversionStrategy,
};

export interface ParamDoc {
  readonly name: string;
  readonly type: string;
  readonly default?: unknown;
  readonly required: boolean;
  readonly min?: number;
  readonly max?: number;
  /** The bound itself is excluded (`gt` / `lt`). */
  readonly minExclusive?: boolean;
  readonly maxExclusive?: boolean;
  readonly description?: string;
}

export interface StrategyInfo {
  readonly name: string;
  readonly description: string;
  readonly params: readonly ParamDoc[];
}

export interface CreatedStrategy {
  readonly id: string;
  readonly type: string;
  readonly strategy: Strategy<unknown>;
}

/** Whether `type` names a file rather than a registered strategy. */
export function isStrategyPath(type: string): boolean {
  return /\.(m?[jt]s)$/.test(type) || type.includes('/') || type.includes('\\');
}

export class StrategyRegistry {
  readonly #classes = new Map<string, StrategyClass>(Object.entries(BUILTIN_STRATEGIES));

  register(name: string, cls: StrategyClass): void {
    checkStrategyClass(cls, `strategy ${name}`);
    this.#classes.set(name, cls);
  }

  has(name: string): boolean {
    return this.#classes.has(name);
  }

  get(name: string): StrategyClass {
    const cls = this.#classes.get(name);
    if (cls === undefined) {
      throw new ConfigError(`unknown strategy "${name}"; known: ${[...this.#classes.keys()].join(', ')}`, {
        strategy: name,
      });
    }
    return cls;
  }

  /** A registered strategy or a file path, resolved to its class (files are imported once). */
  async resolve(type: string): Promise<StrategyClass> {
    if (this.#classes.has(type) || !isStrategyPath(type)) return this.get(type);
    const cls = await loadStrategyFile(type);
    this.#classes.set(type, cls);
    return cls;
  }

  /** Builds a strategy; the params are validated by its schema (errors name the field and value). */
  async create(type: string, id: string, params: unknown = {}): Promise<CreatedStrategy> {
    const cls = await this.resolve(type);
    const Ctor = cls as unknown as new (params: unknown) => Strategy<unknown>;
    try {
      return { id, type, strategy: new Ctor(params) };
    } catch (err) {
      // Named as the configuration names it, not by its class.
      if (err instanceof StrategyParamsError)
        throw new StrategyParamsError(id === type ? `"${id}"` : `"${id}" (${type})`, err.problems);
      throw err;
    }
  }

  list(): StrategyInfo[] {
    return [...this.#classes.entries()].map(([name, cls]) => ({
      name,
      description: cls.description ?? '',
      params: describeParams(cls.paramsSchema),
    }));
  }
}

/** What a configured strategy names: its id, type and parameters. */
export interface StrategyConfigEntry {
  readonly id: string;
  readonly type: string;
  readonly params?: Readonly<Record<string, unknown>>;
  readonly enabled?: boolean;
}

/**
 * Every configured (enabled) strategy built once, to check its type and parameters: one line per problem, naming the
 * entry. `config validate` and `start` run it before anything starts, so that a typo fails at once, not after the
 * simulator is up.
 */
export async function strategyConfigProblems(
  entries: readonly StrategyConfigEntry[],
  registry: StrategyRegistry = defaultRegistry,
): Promise<string[]> {
  const problems: string[] = [];
  for (const [i, entry] of entries.entries()) {
    if (entry.enabled === false) continue;
    try {
      await registry.create(entry.type, entry.id, entry.params ?? {});
    } catch (err) {
      problems.push(`strategies[${i}] (${entry.id}): ${errorMessage(err)}`);
    }
  }
  return problems;
}

/** The process-wide registry with the built-ins. */
export const defaultRegistry = new StrategyRegistry();

export function createStrategy(type: string, id: string, params?: unknown): Promise<CreatedStrategy> {
  return defaultRegistry.create(type, id, params);
}

function checkStrategyClass(value: unknown, where: string): asserts value is StrategyClass {
  if (typeof value !== 'function' || !(value.prototype instanceof Strategy)) {
    // A class whose chain holds a *Strategy* that is not ours: the file was loaded as CommonJS (a .ts file outside a
    // package with "type": "module"), which gives it a second copy of the base class.
    const other = typeof value === 'function' && extendsClassNamed(value, 'Strategy');
    throw new ConfigError(
      other
        ? `${where} extends another copy of Strategy: the file was loaded as CommonJS; name it .mts (or put a ` +
            'package.json with "type": "module" in its folder)'
        : `${where} is not a Strategy subclass (extend Strategy from src/strategies/strategy.ts)`,
      {},
    );
  }
  const schema = (value as { paramsSchema?: unknown }).paramsSchema;
  if (!(schema instanceof z.ZodType)) {
    throw new ConfigError(`${where} has no static paramsSchema (a zod schema of its parameters)`, {});
  }
}

function extendsClassNamed(cls: unknown, name: string): boolean {
  for (let c: unknown = Object.getPrototypeOf(cls); typeof c === 'function'; c = Object.getPrototypeOf(c)) {
    if (c.name === name) return true;
  }
  return false;
}

/** Imports a user strategy file; its default export or named `strategy` export must be a Strategy subclass. */
export async function loadStrategyFile(path: string): Promise<StrategyClass> {
  const file = isAbsolute(path) ? path : resolve(path);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (err) {
    throw new ConfigError(`cannot load strategy file ${file}: ${errorMessage(err)}`, { path: file });
  }
  const candidate = mod.default ?? mod.strategy;
  if (candidate === undefined) {
    throw new ConfigError(`strategy file ${file} has neither a default export nor a named "strategy" export`, {
      path: file,
      exports: Object.keys(mod),
    });
  }
  checkStrategyClass(candidate, `the export of ${file}`);
  return candidate;
}

/** Parameter docs from a zod object schema: type, default, bounds, description. */
export function describeParams(schema: z.ZodType): ParamDoc[] {
  if (!(schema instanceof z.ZodObject)) return [];
  return Object.entries(schema.shape as Record<string, z.ZodType>).map(([name, field]) => {
    let inner: z.ZodType = field;
    let def: unknown;
    let required = true;
    for (;;) {
      if (inner instanceof z.ZodDefault) {
        def = inner.def.defaultValue;
        required = false;
        inner = inner.unwrap() as z.ZodType;
      } else if (inner instanceof z.ZodOptional) {
        required = false;
        inner = inner.unwrap() as z.ZodType;
      } else break;
    }
    let type = inner.def.type as string;
    let min: number | undefined;
    let max: number | undefined;
    let minExclusive = false;
    let maxExclusive = false;
    if (inner instanceof z.ZodNumber) {
      if (inner.isInt) type = 'integer';
      // An integer without bounds reports the safe-integer limits: no bound to show.
      const shown = (v: number | null): number | undefined =>
        v !== null && Number.isFinite(v) && Math.abs(v) !== Number.MAX_SAFE_INTEGER ? v : undefined;
      min = shown(inner.minValue);
      max = shown(inner.maxValue);
      for (const check of inner.def.checks ?? []) {
        const d = check._zod.def as { check?: string; value?: unknown; inclusive?: boolean };
        if (d.inclusive !== false) continue;
        if (d.check === 'greater_than' && d.value === min) minExclusive = true;
        if (d.check === 'less_than' && d.value === max) maxExclusive = true;
      }
    } else if (inner instanceof z.ZodEnum) {
      type = inner.options.map((o) => JSON.stringify(o)).join(' | ');
    }
    const description = field.description ?? inner.description;
    return {
      name,
      type,
      required,
      ...(def !== undefined && { default: def }),
      ...(min !== undefined && { min }),
      ...(max !== undefined && { max }),
      ...(minExclusive && { minExclusive }),
      ...(maxExclusive && { maxExclusive }),
      ...(description !== undefined && { description }),
    };
  });
}
