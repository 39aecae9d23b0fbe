// The `sherwood` binary as a user runs it: help, version, usage errors (exit 2), and `start` end to end.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const bin = path.join(root, 'bin/sherwood.js');

function run(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  cwd = root,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd,
      env: { ...process.env, CI: 'true', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const dataDir = mkdtempSync(path.join(tmpdir(), 'sherwood-start-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('sherwood CLI', () => {
  it('prints help listing the commands', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    for (const cmd of ['start', 'config', 'api', 'keys', 'simulator']) expect(r.stdout).toContain(cmd);
  });

  it('prints the version from package.json', async () => {
    const r = await run(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('exits 2 on an unknown flag or command', async () => {
    const flag = await run(['--bogus']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("unknown option '--bogus'");
    const cmd = await run(['frobnicate']);
    expect(cmd.code).toBe(2);
  });

  it('exits 2 with the path, value and rule on an invalid config value', async () => {
    const r = await run(['config', 'show', '--set', 'risk.max_drawdown=3']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('risk.max_drawdown: 3 is invalid');
  });

  it('runs a paper session on the embedded simulator and stops cleanly', async () => {
    const r = await run(['start', '--port', '0', '--duration', '3'], {
      SHERWOOD_APP__DATA_DIR: dataDir,
      SHERWOOD_APP__LOG_LEVEL: 'warn',
      SHERWOOD_MONITORING__DASHBOARD__PORT: '0',
      SHERWOOD_MONITORING__METRICS__PORT: '0',
    });
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Robinhood simulator on http:\/\/127\.0\.0\.1:\d+/);
    expect(r.stdout).toContain('reconciled: 0 adopted, 0 failed');
    expect(r.stdout).toMatch(/BTC-USD \d+\.\d{2}\/\d+\.\d{2}/);
    expect(r.stdout).toMatch(/dashboard on http:\/\/127\.0\.0\.1:\d+/);
    expect(r.stdout).toMatch(/metrics on http:\/\/127\.0\.0\.1:\d+\/metrics/);
    expect(r.stdout).toContain('stopped cleanly');
  });
});
