// An independent client written in Python the way Robinhood's public sample client works (json.dumps bodies, the
// query in the signed path, PyNaCl-compatible Ed25519 from `cryptography`) must get Robinhood's answers from the
// simulator. Skipped where python3 with `requests` and `cryptography` is not installed.
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCredential, startSimulator, type SimulatorHandle } from '../../../src/venues/simulator/index.ts';

const script = path.resolve(import.meta.dirname, '../../fixtures/robinhood_sample_style_client.py');
const hasPython =
  spawnSync('python3', ['-c', 'import requests, cryptography'], { stdio: 'ignore', timeout: 20_000 }).status === 0;

interface Call {
  path: string;
  method: string;
  status: number;
  body: unknown;
}

describe.skipIf(!hasPython)('a Python client in the style of Robinhood’s sample', () => {
  let sim: SimulatorHandle;
  const credential = generateCredential('100000');

  beforeAll(async () => {
    sim = await startSimulator({ accounts: [credential], data: 'none', speed: 0, seed: 5, cancelDelayMs: 50 });
    sim.setQuote('BTC-USD', '65000', '65010', '2');
    sim.setQuote('ETH-USD', '3000', '3001', '20');
  });
  afterAll(async () => {
    await sim.close();
  });

  it('gets Robinhood-shaped answers for every call, and 401 for a bad signature', async () => {
    // Asynchronous spawn: the simulator answers from this very process.
    const run = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn('python3', [script, sim.url, credential.api_key, credential.private_key]);
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.on('close', () => resolve({ stdout, stderr }));
    });
    expect(run.stderr).toBe('');
    const calls = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Call);
    expect(calls.map((c) => c.status)).toEqual([200, 200, 200, 200, 201, 200, 201, 200, 200, 401]);

    const [account, pairs, quotes, , placed, orders, , cancel, holdings, tampered] = calls;
    expect(account!.body).toMatchObject({ account_number: credential.account_number, status: 'active' });
    expect((pairs!.body as { results: Array<{ symbol: string }> }).results.map((p) => p.symbol)).toEqual([
      'BTC-USD',
      'ETH-USD',
    ]);
    const btc = (quotes!.body as { results: Array<Record<string, unknown>> }).results[0]!;
    expect(btc).toHaveProperty('bid_inclusive_of_sell_spread');
    expect(btc).toHaveProperty('ask_inclusive_of_buy_spread');
    expect(placed!.body).toMatchObject({ symbol: 'BTC-USD', side: 'buy', type: 'market' });
    const listed = (orders!.body as { results: Array<{ id: string; state: string }> }).results;
    expect(listed.find((o) => o.id === (placed!.body as { id: string }).id)?.state).toBe('filled');
    expect(cancel!.body).toMatch(/^Cancel request was submitted for order /);
    expect((holdings!.body as { results: Array<Record<string, unknown>> }).results[0]).toMatchObject({
      asset_code: 'BTC',
    });
    expect(tampered!.body).toEqual({ type: 'client_error', errors: [{ detail: 'Authentication failed', attr: null }] });
  });
});
