// `sherwood optimize` as a user runs it: exit 2 on a bad --grid or when every run fails on invalid parameters, and a
// quiet end when the reader of stdout leaves early (`| head`).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listSampleBarFiles } from '../../src/data/historical/index.ts';

const root = path.resolve(import.meta.dirname, '../..');
const bin = path.join(root, 'bin/sherwood.js');
const hasSample = listSampleBarFiles().some((f) => f.symbol === 'BTC-USD');
const window = ['--strategy', 'trend', '--from', '2025-06-01', '--to', '2025-06-08', '--workers', '2'];

/** Runs the binary; with `closeStdout` the reader goes away before the command prints anything. */
function run(args: string[], closeStdout = false): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, 'optimize', ...args], {
      cwd: root,
      env: { ...process.env, CI: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    if (closeStdout) child.stdout.destroy();
    else child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('sherwood optimize (binary)', () => {
  it('exits 2 on a range that is not one, naming the flag and the value', async () => {
    const r = await run([...window, '--grid', 'fast=5:20:-5']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: --grid "fast=5:20:-5": the step must be positive\n');
  });

  it('exits 2 without --grid, saying it is required', async () => {
    const r = await run(window);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: --grid is required/);
  });

  it.skipIf(!hasSample)(
    'exits 2 when every run fails on invalid parameters, with the first reason',
    async () => {
      const r = await run([...window, '--grid', 'fast=x,y']);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^error: all 2 runs failed; the first, \{"fast":"x"\}: invalid parameters for strategy/);
      expect(r.stdout).toBe('');
    },
    60_000,
  );

  it.skipIf(!hasSample)(
    'ends quietly with exit 0 when stdout is closed early',
    async () => {
      const r = await run([...window, '--grid', 'fast=2:30', '--top', '30'], true);
      expect(r.stderr).not.toMatch(/EPIPE|Error/);
      expect(r.code).toBe(0);
    },
    60_000,
  );
});
