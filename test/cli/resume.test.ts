import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runResume } from '../../src/cli/commands/resume.ts';
import { openStore } from '../../src/persistence/open-store.ts';
import { readPersistedHalt, writePersistedHalt } from '../../src/risk/halt-store.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'sherwood-resume-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sherwood resume', () => {
  it('lifts a persisted drawdown halt once, and says so when there is none', async () => {
    const sqlitePath = path.join(dir, 'store.db');
    const store = await openStore({ driver: 'sqlite', sqlitePath });
    await writePersistedHalt(store, {
      state: 'HALTED',
      cause: 'drawdown',
      reason: 'drawdown 21% reached the 20% limit',
      peak: 100_000,
      since: Date.UTC(2024, 7, 5),
    });
    await store.close();

    const lines: string[] = [];
    const opts = { set: [`storage.sqlite_path=${sqlitePath}`] };
    expect(await runResume(opts, (l) => lines.push(l))).toBe(true);
    expect(lines[0]).toBe(
      'lifting HALTED (drawdown) since 2024-08-05T00:00:00.000Z: drawdown 21% reached the 20% limit',
    );

    const reopened = await openStore({ driver: 'sqlite', sqlitePath });
    expect(await readPersistedHalt(reopened)).toBeUndefined();
    await reopened.close();

    expect(await runResume(opts, (l) => lines.push(l))).toBe(false);
    expect(lines.at(-1)).toBe('no persisted halt: nothing to resume');
  });

  it('refuses a database path where there is none, rather than creating an empty one', async () => {
    const sqlitePath = path.join(dir, 'missing.db');
    await expect(runResume({ set: [`storage.sqlite_path=${sqlitePath}`] }, () => undefined)).rejects.toThrow(
      `storage.sqlite_path "${sqlitePath}": no database there, so no halt to lift`,
    );
    expect(existsSync(sqlitePath)).toBe(false);
  });
});
