// The optimizer's parameter space: `--grid k=a:b:step` (or `k=v1,v2,…`) gives every combination; `--random N`
// draws N seeded points from the same ranges. Pure and deterministic.
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

/** Parses one `--grid` spec. */
export function parseAxis(spec: string): ParamAxis {
  const eq = spec.indexOf('=');
  if (eq <= 0) throw new ConfigError(`--grid ${JSON.stringify(spec)}: expected key=a:b:step or key=v1,v2`, { spec });
  const name = spec.slice(0, eq).trim();
  const body = spec.slice(eq + 1).trim();
  const range = /^(-?[\d.]+):(-?[\d.]+)(?::([\d.]+))?$/.exec(body);
  if (range) {
    const min = Number(range[1]);
    const max = Number(range[2]);
    const step = range[3] === undefined ? 1 : Number(range[3]);
    if (!Number.isFinite(min) || !Number.isFinite(max) || !(step > 0) || max < min) {
      throw new ConfigError(`--grid ${JSON.stringify(spec)}: need min ≤ max and a positive step`, { spec });
    }
    const places = Math.max(decimalsOf(min), decimalsOf(step));
    const values: number[] = [];
    for (let i = 0; ; i++) {
      const v = Number((min + i * step).toFixed(places));
      if (v > max + step * 1e-9) break;
      values.push(v);
      if (values.length > MAX_GRID) throw new ConfigError(`--grid ${spec}: more than ${MAX_GRID} values`, { spec });
    }
    const integer = Number.isInteger(min) && Number.isInteger(step);
    return { name, values, range: { min, max, integer } };
  }
  const values = body
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '')
    .map(parseScalar);
  if (values.length === 0) throw new ConfigError(`--grid ${JSON.stringify(spec)}: no values`, { spec });
  return { name, values };
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

/** `count` seeded draws: uniform inside numeric ranges (integers stay integers), uniform over listed values. */
export function randomPoints(
  axes: readonly ParamAxis[],
  count: number,
  seed: number,
): Array<Record<string, ParamValue>> {
  const random = createRandom(seed);
  const out: Array<Record<string, ParamValue>> = [];
  for (let i = 0; i < count; i++) {
    const p: Record<string, ParamValue> = {};
    for (const axis of axes) {
      const r = axis.range;
      if (r === undefined) p[axis.name] = axis.values[random.int(0, axis.values.length - 1)] as ParamValue;
      else if (r.integer) p[axis.name] = random.int(r.min, r.max);
      else p[axis.name] = Number((r.min + random.next() * (r.max - r.min)).toPrecision(6));
    }
    out.push(p);
  }
  return out;
}
