import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createStrategy, StrategyRegistry } from '../../src/strategies/registry.ts';
import { TrendStrategy } from '../../src/strategies/builtin/trend.ts';

const dir = mkdtempSync(join(tmpdir(), 'sherwood-strategies-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const src = join(process.cwd(), 'src/strategies/strategy.ts');

describe('registry', () => {
  it('lists the built-ins with their parameter docs', () => {
    const list = new StrategyRegistry().list();
    expect(list.map((s) => s.name)).toEqual(['market_making', 'grid', 'dca', 'trend', 'mean_reversion']);
    const fast = list.find((s) => s.name === 'trend')!.params.find((p) => p.name === 'fast');
    expect(fast).toEqual({
      name: 'fast',
      type: 'integer',
      required: false,
      default: 12,
      min: 1,
      max: 1000,
      description: 'bars in the fast average',
    });
    // gt(0): the bound is excluded; an integer without a maximum shows none (not the safe-integer limit).
    const trend = list.find((s) => s.name === 'trend')!.params;
    expect(trend.find((p) => p.name === 'fraction')).toMatchObject({ min: 0, minExclusive: true, max: 1 });
    expect(trend.find((p) => p.name === 'fraction')).not.toHaveProperty('maxExclusive');
    const refresh = list.find((s) => s.name === 'market_making')!.params.find((p) => p.name === 'refreshIntervalMs');
    expect(refresh).toMatchObject({ min: 0 });
    expect(refresh).not.toHaveProperty('max');
  });

  it('creates built-ins by name with validated params, and names unknown ones', async () => {
    const created = await createStrategy('trend', 't1', { fast: 3, slow: 8 });
    expect(created.strategy).toBeInstanceOf(TrendStrategy);
    expect(created.id).toBe('t1');
    await expect(createStrategy('trend', 't2', { fast: 'x' })).rejects.toThrow(/fast/);
    await expect(createStrategy('nope', 'x')).rejects.toThrow(/unknown strategy "nope"; known: market_making/);
  });

  it('refuses parameters it does not know, and names the strategy by its id, each field and each value', async () => {
    await expect(createStrategy('trend', 't2', { fastt: 5 })).rejects.toThrow(
      'invalid parameters for strategy "t2" (trend): unknown parameter "fastt"; known: fast, slow, average, fraction, atrStop, atrPeriod',
    );
    await expect(createStrategy('trend', 'trend', { fast: 'abc', slow: 30 })).rejects.toThrow(
      /^invalid parameters for strategy "trend": fast: .*expected number.* \(got "abc"\)$/,
    );
    await expect(createStrategy('grid', 'g', {})).rejects.toThrow(
      'invalid parameters for strategy "g" (grid): lower is required; upper is required; quantityPerLevel is required',
    );
    // A refinement says what it compared; the value is not repeated.
    await expect(createStrategy('trend', 't', { fast: 40, slow: 30 })).rejects.toThrow(
      /: fast: fast \(40\) must be shorter than slow \(30\)[^(]*$/,
    );
  });

  it('loads a user strategy from a .ts file (default export) and rejects bad files clearly', async () => {
    const good = join(dir, 'good.ts');
    writeFileSync(
      good,
      `import { z } from 'zod';
import { Strategy } from ${JSON.stringify(src)};
const Schema = z.object({ n: z.number().default(1) });
export default class Mine extends Strategy<z.output<typeof Schema>> {
  static paramsSchema = Schema;
  constructor(p: unknown = {}) { super(Schema, p); }
}
`,
    );
    const registry = new StrategyRegistry();
    const created = await registry.create(good, 'u1', { n: 2 });
    expect((created.strategy.params as { n: number }).n).toBe(2);
    expect(registry.list().some((s) => s.name === good)).toBe(true);

    const noExport = join(dir, 'none.ts');
    writeFileSync(noExport, 'export const x = 1;\n');
    await expect(registry.create(noExport, 'u2')).rejects.toThrow(
      /neither a default export nor a named "strategy" export/,
    );
    const notStrategy = join(dir, 'plain.ts');
    writeFileSync(notStrategy, 'export const strategy = class {};\n');
    await expect(registry.create(notStrategy, 'u3')).rejects.toThrow(/is not a Strategy subclass/);
    await expect(registry.create(join(dir, 'missing.ts'), 'u4')).rejects.toThrow(/cannot load strategy file/);
    // Another copy of the base class (what a .ts file loaded as CommonJS gets) is named as such, with the way out.
    const copy = join(dir, 'copy.ts');
    writeFileSync(copy, 'class Strategy {}\nexport default class Mine extends Strategy {}\n');
    await expect(registry.create(copy, 'u5')).rejects.toThrow(/extends another copy of Strategy: .*name it \.mts/);
  });

  it('gives a strategy file zod from the public surface, so a file outside the checkout needs no zod of its own', async () => {
    const file = join(dir, 'outside.mts');
    writeFileSync(
      file,
      `import { Strategy, z } from ${JSON.stringify(join(process.cwd(), 'src/strategies/index.ts'))};
const Schema = z.object({ n: z.number().default(1) });
export default class Outside extends Strategy<z.output<typeof Schema>> {
  static paramsSchema = Schema;
  constructor(p: unknown = {}) { super(Schema, p); }
}
`,
    );
    const created = await new StrategyRegistry().create(file, 'o1', { n: 3 });
    expect((created.strategy.params as { n: number }).n).toBe(3);
  });
});
