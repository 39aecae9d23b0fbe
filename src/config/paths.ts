// Addressing keys of the configuration by path: checking that a path exists in the schema, parsing a textual value
// (env var, --set) for the key it targets, and setting it into a plain object.
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { ConfigSchema } from './schema.ts';

export type ConfigPath = Array<string | number>;

// Just the parts of zod 4's internal definitions that we walk; `_zod.def` is zod's documented introspection point.
interface Def {
  type: string;
  innerType?: z.core.$ZodType;
  in?: z.core.$ZodType;
  shape?: Record<string, z.core.$ZodType>;
  element?: z.core.$ZodType;
  valueType?: z.core.$ZodType;
  options?: z.core.$ZodType[];
}
const defOf = (schema: z.core.$ZodType): Def => schema._zod.def;

const WRAPPERS = new Set(['default', 'prefault', 'optional', 'nullable', 'readonly', 'catch', 'nonoptional']);

/** Strips defaults, optionals and transforms to the schema that decides the shape of a value. */
function unwrap(schema: z.core.$ZodType): z.core.$ZodType {
  let s = schema;
  for (;;) {
    const def = defOf(s);
    if (WRAPPERS.has(def.type) && def.innerType) s = def.innerType;
    else if (def.type === 'pipe' && def.in) s = def.in;
    else return s;
  }
}

/** The schema of the key at `path`, or undefined when no such key exists. Numeric segments index arrays. */
export function schemaAt(path: ConfigPath, root: z.core.$ZodType = ConfigSchema): z.core.$ZodType | undefined {
  let s: z.core.$ZodType = root;
  for (const segment of path) {
    const def = defOf(unwrap(s));
    if (def.type === 'object' && def.shape) {
      const next = typeof segment === 'string' && Object.hasOwn(def.shape, segment) ? def.shape[segment] : undefined;
      if (!next) return undefined;
      s = next;
    } else if (def.type === 'array' && def.element) {
      if (typeof segment !== 'number') return undefined;
      s = def.element;
    } else if (def.type === 'record' && def.valueType) {
      s = def.valueType;
    } else {
      return undefined; // a scalar has no children
    }
  }
  return s;
}

/** True when the key holds plain text, so that "123" or "true" must stay strings. */
function expectsText(schema: z.core.$ZodType): boolean {
  const def = defOf(unwrap(schema));
  return def.type === 'string' || def.type === 'enum';
}

/**
 * Parses a value given as text (env var, --set) for the key it targets: text keys take it verbatim (an account number
 * "0123" stays "0123"); others read it as YAML, so `0.1` is a number, `true` a boolean, `[BTC-USD, ETH-USD]` a list.
 */
export function parseTextValue(raw: string, target: z.core.$ZodType): unknown {
  if (expectsText(target)) return raw;
  if (raw.trim() === '') return raw;
  try {
    return parseYaml(raw) as unknown;
  } catch {
    return raw; // the schema then says what was expected
  }
}

/** Splits `risk.max_drawdown` or `strategies.0.enabled` into segments; integers index arrays. */
export function splitDotted(key: string): ConfigPath | undefined {
  const parts = key.split('.');
  if (parts.some((p) => p === '')) return undefined;
  return parts.map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path.map(String).join('.');
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Sets `value` at `path` inside `target` (mutated), creating objects on the way. An array index must address an existing
 * element or the next one; returns an error text otherwise.
 */
export function setPath(target: Record<string, unknown>, path: ConfigPath, value: unknown): string | undefined {
  let node: unknown = target;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i]!;
    const last = i === path.length - 1;
    if (typeof segment === 'number') {
      if (!Array.isArray(node)) return `${formatPath(path.slice(0, i))} is not a list`;
      if (segment > node.length) return `index ${segment} is past the end of ${formatPath(path.slice(0, i))}`;
      if (last) node[segment] = value;
      else {
        if (!isPlainObject(node[segment]) && !Array.isArray(node[segment])) node[segment] = {};
        node = node[segment];
      }
    } else {
      if (!isPlainObject(node)) return `${formatPath(path.slice(0, i))} is not an object`;
      if (last) node[segment] = value;
      else {
        const nextIsIndex = typeof path[i + 1] === 'number';
        const child = node[segment];
        if (nextIsIndex ? !Array.isArray(child) : !isPlainObject(child)) node[segment] = nextIsIndex ? [] : {};
        node = node[segment];
      }
    }
  }
  return undefined;
}

/** Reads the value at `path`, or undefined. */
export function getPath(source: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let node = source;
  for (const segment of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<PropertyKey, unknown>)[segment];
  }
  return node;
}

export { isPlainObject };
