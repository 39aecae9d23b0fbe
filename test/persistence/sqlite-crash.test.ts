// Crash safety on a real SQLite file: a child process writing transactions is killed with SIGKILL at seeded moments;
// after each kill every batch is either entirely there or entirely absent, and every reported commit survived.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createRandom } from '../../src/core/random.ts';
import { openStore } from '../../src/persistence/index.ts';

const BATCH_SIZE = 20; // as in fixtures/crash-writer.ts
const writer = fileURLToPath(new URL('./fixtures/crash-writer.ts', import.meta.url));
const dir = mkdtempSync(path.join(os.tmpdir(), 'sherwood-crash-'));
const running = new Set<ReturnType<typeof spawn>>();
afterAll(() => {
  for (const child of running) child.kill('SIGKILL'); // only if the test failed before killing it
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the writer until it has committed `commits` batches after `firstBatch`, then kills it; returns the last one. */
function runAndKill(file: string, firstBatch: number, commits: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', writer, file, String(firstBatch)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.add(child);
    let lastCommitted = firstBatch - 1;
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      for (const match of chunk.toString().matchAll(/committed (\d+)/g)) lastCommitted = Number(match[1]);
      // Killed while it is already busy with the next transaction: mid-write, not between writes.
      if (lastCommitted >= firstBatch + commits - 1) child.kill('SIGKILL');
    });
    child.on('exit', (code, signal) => {
      running.delete(child);
      if (signal === 'SIGKILL') resolve(lastCommitted);
      else reject(new Error(`writer exited with ${String(code)} before it was killed: ${stderr}`));
    });
  });
}

describe('SQLite store under SIGKILL', () => {
  it('never leaves a transaction half-written and never loses a reported commit', async () => {
    const file = path.join(dir, 'crash.db');
    const random = createRandom(7);
    let next = 0;
    for (let round = 0; round < 4; round++) {
      const lastCommitted = await runAndKill(file, next, random.int(1, 6));
      const store = await openStore({ driver: 'sqlite', sqlitePath: file });
      try {
        const orders = await store.listOrders();
        const perBatch = new Map<string, number>();
        for (const o of orders) perBatch.set(o.strategyId, (perBatch.get(o.strategyId) ?? 0) + 1);
        for (const count of perBatch.values()) expect(count).toBe(BATCH_SIZE);
        for (let b = 0; b <= lastCommitted; b++) expect(perBatch.get(`batch-${b}`)).toBe(BATCH_SIZE);
        expect((await store.listFills()).length).toBe(orders.length);
        expect(orders.every((o) => o.status === 'filled' && o.version === 2)).toBe(true);
        next = Math.max(...[...perBatch.keys()].map((k) => Number(k.slice('batch-'.length)))) + 1;
      } finally {
        await store.close();
      }
    }
    expect(next).toBeGreaterThanOrEqual(4);
  }, 120_000);
});
