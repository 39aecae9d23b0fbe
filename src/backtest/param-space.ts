// The optimizer's parameter space: `--grid k=a:b:step` (or `k=v1,v2,…`) gives every combination; `--random N`
// draws N distinct seeded points from the same ranges. Pure and deterministic.
import { ConfigError } from '../core/errors.ts';
import { createRandom } from '../core/random.ts';
import { parseScalar } from './cli-input.ts';

export type ParamValue = string | number | boolean;

export interface ParamAxis {
  readonly name: string;
  /** The discrete values (a range expanded by its step, or a list). */
  readonly values: readonly ParamValue[];
  /** For a numeric range: its bounds and whether it holds integers (random draws stay inside). */
  readonly range?: { readonly min: number; readonly max: number; readonly integer: boolean };
}

const MAX_GRID = 100_000;

function decimalsOf(n: number): number {
  const s = String(n);
  const dot = s.indexOf('.');
  return dot < 0 ? 0 : s.length - dot - 1;
}

const NUMBER = /^-?(\d+\.?\d*|\.\d+)$/;

/**
 * Parses one `--grid` spec. A body with a colon and no comma is a range and must be a valid one: read as a list it
 * would become a single string value that only fails later, in every run.
 */
export function parseAxis(spec: string): ParamAxis {
  const eq = spec.indexOf('=');
  const name = spec.slice(0, Math.max(0, eq)).trim();
  const fail = (why: string): ConfigError => new ConfigError(`--grid ${JSON.stringify(spec)}: ${why}`, { spec });
  if (eq <= 0 || name === '') throw fail('expected key=a:b:step or key=v1,v2');
  const body = spec.slice(eq + 1).trim();
  if (body.includes(':') && !body.includes(',')) {
    const parts = body.split(':').map((x) => x.trim());
    if (parts.length > 3) throw fail('expected a range a:b or a:b:step');
    const [a = '', b = '', s] = parts;
    if (!NUMBER.test(a) || !NUMBER.test(b)) throw fail('the bounds of a range must be numbers');
    if (s !== undefined && !NUMBER.test(s)) throw fail('the step must be a positive number');
    const min = Number(a);
    const max = Number(b);
    const step = s === undefined ? 1 : Number(s);
    if (!(step > 0)) throw fail('the step must be positive');
    if (max < min) throw fail(`the end ${b} is before the start ${a}`);
    const places = Math.max(decimalsOf(min), decimalsOf(step));
    const values: number[] = [];
    for (let i = 0; ; i++) {
      const v = Number((min + i * step).toFixed(places));
      if (v > max + step * 1e-9) break;
      values.push(v);
      if (values.length > MAX_GRID) throw fail(`more than ${MAX_GRID} values`);
    }
    const integer = Number.isInteger(min) && Number.isInteger(step);
    return { name, values, range: { min, max, integer } };
  }
  // A value listed twice would run the same parameter set twice.
  const values = [
    ...new Set(
      body
        .split(',')
        .map((v) => v.trim())
        .filter((v) => v !== '')
        .map(parseScalar),
    ),
  ];
  if (values.length === 0) throw fail('no values');
  return { name, values };
}

/** Parses every `--grid` spec; a key given twice is refused (the second would silently replace the first). */
export function parseAxes(specs: readonly string[]): ParamAxis[] {
  const axes = specs.map(parseAxis);
  const seen = new Set<string>();
  for (const a of axes) {
    if (seen.has(a.name)) throw new ConfigError(`--grid ${a.name}: given more than once`, { key: a.name });
    seen.add(a.name);
  }
  return axes;
}

/** Every combination, the first axis varying slowest. */
export function gridPoints(axes: readonly ParamAxis[]): Array<Record<string, ParamValue>> {
  let points: Array<Record<string, ParamValue>> = [{}];
  for (const axis of axes) {
    const next: Array<Record<string, ParamValue>> = [];
    for (const p of points) for (const v of axis.values) next.push({ ...p, [axis.name]: v });
    if (next.length > MAX_GRID) throw new ConfigError(`the grid has more than ${MAX_GRID} points: use --random`, {});
    points = next;
  }
  return points;
}

/**
 * The values a random draw can take on one axis of a finite space: a list's values, every integer of an integer range
 * (a draw ignores the step), or the one value of a real-valued range whose bounds are equal.
 */
function drawDomain(axis: ParamAxis): readonly ParamValue[] {
  const r = axis.range;
  if (r === undefined) return axis.values;
  if (r.integer) return Array.from({ length: Math.floor(r.max) - r.min + 1 }, (_, i) => r.min + i);
  return [r.min];
}

/** How many distinct parameter sets `--random` can draw from `axes` (Infinity when a range is continuous). */
export function randomSpaceSize(axes: readonly ParamAxis[]): number {
  let size = 1;
  for (const axis of axes) {
    const r = axis.range;
    if (r === undefined) size *= axis.values.length;
    else if (r.integer) size *= Math.floor(r.max) - r.min + 1;
    else if (r.min !== r.max) return Infinity;
  }
  return size;
}

/**
 * `count` distinct seeded draws: uniform inside numeric ranges (integers stay integers), uniform over listed values.
 * Drawn without replacement, so that no run is spent twice on one set: when the space holds no more than `count`
 * sets, each is returned once (in grid order), and the result may be shorter than `count`.
 */
export function randomPoints(
  axes: readonly ParamAxis[],
  count: number,
  seed: number,
): Array<Record<string, ParamValue>> {
  if (count > MAX_GRID) throw new ConfigError(`--random ${count}: more than ${MAX_GRID} runs`, { count });
  if (count >= randomSpaceSize(axes)) {
    return gridPoints(axes.map((a) => ({ name: a.name, values: drawDomain(a) })));
  }
  const random = createRandom(seed);
  const out: Array<Record<string, ParamValue>> = [];
  const seen = new Set<string>();
  // Below the space's size the expected number of draws is at most size × ln(size); the cap only guards a real
  // range so narrow that 6 significant digits leave few values (then fewer than `count` sets come back).
  for (let tries = 0; out.length < count && tries < count * 100 + 10_000; tries++) {
    const p: Record<string, ParamValue> = {};
    for (const axis of axes) {
      const r = axis.range;
      if (r === undefined) p[axis.name] = axis.values[random.int(0, axis.values.length - 1)] as ParamValue;
      else if (r.integer) p[axis.name] = random.int(r.min, Math.floor(r.max));
      else p[axis.name] = Number((r.min + random.next() * (r.max - r.min)).toPrecision(6));
    }
    const key = JSON.stringify(p);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(p);
  }
  return out;
}
