// `sherwood strategies`: the list of strategies, one strategy's parameters from its schema (a built-in or a user file),
// JSON output, and a clear refusal of an unknown name.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { register } from '../../src/cli/commands/strategies.ts';

const dir = mkdtempSync(join(tmpdir(), 'sherwood-strategies-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(args: string[]): Promise<string> {
  let out = '';
  const program = new Command().exitOverride();
  register(program, { out: (t) => (out += t) });
  await program.parseAsync(['node', 'sherwood', 'strategies', ...args]);
  return out;
}

describe('sherwood strategies', () => {
  it('lists every built-in strategy with its description', async () => {
    const out = await run([]);
    for (const name of ['market_making', 'grid', 'dca', 'trend', 'mean_reversion']) {
      expect(out).toMatch(new RegExp(`^${name} +\\S`, 'm'));
    }
  });

  it("shows a strategy's parameters with type, default, range and meaning, as text and JSON", async () => {
    const out = await run(['trend']);
    expect(out).toMatch(/^trend: Moving-average crossover/);
    expect(out).toMatch(/^fast +integer +12 +1 … 1000 +bars in the fast average$/m);
    expect(out).toMatch(/^average +"ema" \| "sma" +"ema" +kind of moving average$/m);
    const json = JSON.parse(await run(['trend', '--json'])) as { name: string; params: { name: string }[] };
    expect(json.name).toBe('trend');
    expect(json.params.map((p) => p.name)).toEqual(['fast', 'slow', 'average', 'fraction', 'atrStop', 'atrPeriod']);
  });

  it('describes a user strategy file from its schema', async () => {
    const file = join(dir, 'mine.ts');
    const src = join(process.cwd(), 'src/strategies/strategy.ts');
    writeFileSync(
      file,
      `import { z } from 'zod';
import { Strategy } from ${JSON.stringify(src)};
const Schema = z.object({ lookback: z.number().int().min(2).max(50).default(10).describe('bars to look back') });
export default class Mine extends Strategy<z.output<typeof Schema>> {
  static paramsSchema = Schema;
  static description = 'my own';
  constructor(p: unknown = {}) { super(Schema, p); }
}
`,
    );
    const out = await run([file]);
    expect(out).toContain(': my own');
    expect(out).toMatch(/^lookback +integer +10 +2 … 50 +bars to look back$/m);
  });

  it('refuses an unknown name, listing the known ones', async () => {
    await expect(run(['nope'])).rejects.toThrow(/unknown strategy "nope"; known: market_making, grid, dca, trend/);
  });
});
