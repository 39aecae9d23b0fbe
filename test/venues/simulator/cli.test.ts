/* eslint-disable @typescript-eslint/no-unsafe-argument -- raw JSON replies are checked field by field */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import { register, runSimulatorCommand } from '../../../src/cli/commands/simulator.ts';
import { SAMPLE_DATA_DIR } from '../../../src/data/historical/index.ts';
import type { SimulatorHandle } from '../../../src/venues/simulator/index.ts';
import { Client } from './helpers.ts';

let sim: SimulatorHandle | undefined;
let dir: string | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe('sherwood simulator', () => {
  it('registers the command with its options', () => {
    const program = new Command().exitOverride();
    register(program);
    const cmd = program.commands.find((c) => c.name() === 'simulator')!;
    expect(cmd.options.map((o) => o.long)).toEqual(
      expect.arrayContaining(['--host', '--port', '--credentials', '--data', '--speed', '--seed', '--faults']),
    );
  });
  it.skipIf(!existsSync(SAMPLE_DATA_DIR))(
    'generates an account, writes it 0600, and serves the sample market',
    async () => {
      dir = mkdtempSync(join(tmpdir(), 'sherwood-sim-'));
      const file = join(dir, 'creds.json');
      const lines: string[] = [];
      sim = await runSimulatorCommand({ port: '0', writeCredentials: file, speed: '0' }, (l) => lines.push(l));
      expect(lines.some((l) => l.includes('private seed:'))).toBe(true);
      expect(lines.at(-1)).toContain(`listening on ${sim.url}`);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const saved = JSON.parse(readFileSync(file, 'utf8')).accounts[0];
      const client = new Client(sim.url, saved);
      const r = await client.get('/api/v2/crypto/marketdata/best_bid_ask/?symbol=BTC-USD&symbol=SOL-USD');
      expect(r.status).toBe(200);
      expect(Number(r.json.results[0].bid)).toBeGreaterThan(1000); // real BTC prices from the sample, not the default
      expect(sim.market.tickIntervalMs()).toBe(3_600_000 / 8);
    },
  );
  it('loads a credentials file and explains a bad one', async () => {
    dir = mkdtempSync(join(tmpdir(), 'sherwood-sim-'));
    const bad = join(dir, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify({ accounts: [{ account_number: '1', api_key: 'k', public_key: 'short', buying_power: 'lots' }] }),
    );
    await expect(runSimulatorCommand({ port: '0', credentials: bad }, () => {})).rejects.toThrow(
      /public_key[\s\S]*buying_power|buying_power[\s\S]*public_key/,
    );
    await expect(runSimulatorCommand({ port: 'x' }, () => {})).rejects.toThrow(/port/);
  });
});
