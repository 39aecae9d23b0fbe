// The crash test's parent: the simulator (behind a counting proxy) lives here and survives every child; a child
// trader is killed with SIGKILL at seeded moments and restarted, then a last child only reconciles, and the venue is
// compared with the store (see checks.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRandom } from '../../src/core/random.ts';
import { openStore } from '../../src/persistence/open-store.ts';
import { generateCredential, startSimulator } from '../../src/venues/simulator/index.ts';
import { checkCrashRun, type CheckResult } from './checks.ts';
import { childEnv, type ChildEnv } from './child-env.ts';
import { startMovingMarket } from './market.ts';
import { startCountingProxy } from './proxy.ts';

export interface CrashTestOptions {
  readonly seed: number;
  readonly kills: number;
  /** SQLite file; default a fresh file in a temporary directory (removed afterwards). */
  readonly db?: string;
  /** Simulator fault spec; default light faults on every request. */
  readonly faults?: string;
  readonly killAfterMs?: { min: number; max: number };
  readonly log?: (line: string) => void;
}

export const DEFAULT_FAULTS = '5xx:0.01,drop:0.005,post-timeout:0.02';
const CANCEL_DELAY_MS = 150;
const READY_TIMEOUT_MS = 30_000;

export interface ChildRun {
  readonly run: number;
  /** From spawn to READY: process start, store, load and the start-up reconciliation; undefined if killed before. */
  readonly readyAfterMs: number | undefined;
  /** After READY, or after STARTING for a kill inside start-up. */
  readonly killedAfterMs: number;
  /** The child's start-up reconciliation, as printed on its READY line; undefined if killed before. */
  readonly startup: StartupLine | undefined;
}

interface StartupLine {
  adopted: number;
  failed: number;
  awaiting: number;
  updated: number;
  problems: string[];
  state: string;
  stateReason: string;
}

export interface CrashTestResult extends CheckResult {
  readonly ok: boolean;
  readonly kills: number;
  readonly runs: ChildRun[];
  readonly final: StartupLine;
  readonly durationMs: number;
  readonly venueOrders: Record<string, number>;
  readonly localOrders: Record<string, number>;
  readonly fills: number;
  readonly posts: number;
}

const CHILD = fileURLToPath(new URL('./child.ts', import.meta.url));
/** `--import tsx` resolves from the working directory: the repository's root. */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function countBy<T>(items: readonly T[], key: (t: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const i of items) out[key(i)] = (out[key(i)] ?? 0) + 1;
  return out;
}

function startChild(env: ChildEnv): {
  child: ChildProcess;
  stderr: () => string;
  line: (prefix: string) => Promise<string>;
} {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    cwd: ROOT,
    env: { ...process.env, ...childEnv(env) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const waiters: Array<() => void> = [];
  child.stdout?.on('data', (c: Buffer) => {
    out += c.toString();
    for (const w of waiters.splice(0)) w();
  });
  child.stderr?.on('data', (c: Buffer) => (err += c.toString()).length > 20_000 && (err = err.slice(-10_000)));
  const line = (prefix: string): Promise<string> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`child printed no ${prefix} within ${READY_TIMEOUT_MS}ms`)),
        READY_TIMEOUT_MS,
      );
      const look = (): void => {
        const found = out.split('\n').find((l) => l === prefix || l.startsWith(`${prefix} `));
        if (found !== undefined) {
          clearTimeout(timer);
          resolve(found.slice(prefix.length + 1));
        } else if (child.exitCode !== null || child.signalCode !== null) {
          clearTimeout(timer);
          reject(
            new Error(`child exited (${child.exitCode ?? child.signalCode}) before ${prefix}: ${err.slice(-2000)}`),
          );
        } else waiters.push(look);
      };
      child.once('exit', () => waiters.splice(0).forEach((w) => w()));
      look();
    });
  return { child, stderr: () => err, line };
}

/** Waits `delayMs`, then SIGKILLs the child; it must still be running, and die of the signal. */
async function killAfterDelay(
  c: { child: ChildProcess; stderr(): string },
  run: number,
  delayMs: number,
): Promise<void> {
  await new Promise((r) => setTimeout(r, delayMs));
  if (c.child.exitCode !== null) {
    throw new Error(`child ${run} exited by itself (${c.child.exitCode}): ${c.stderr().slice(-2000)}`);
  }
  c.child.kill('SIGKILL');
  const { signal } = await exited(c.child);
  if (signal !== 'SIGKILL') throw new Error(`child ${run} ended with ${signal} instead of SIGKILL`);
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null)
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

export async function runCrashTest(options: CrashTestOptions): Promise<CrashTestResult> {
  const log = options.log ?? (() => {});
  const started = Date.now();
  const tmp = options.db === undefined ? mkdtempSync(path.join(os.tmpdir(), 'sherwood-crash-')) : undefined;
  const db = options.db ?? path.join(tmp!, 'crash.db');
  const credential = { ...generateCredential('100000'), holdings: { BTC: '0.5', ETH: '5' } };
  const sim = await startSimulator({
    accounts: [credential],
    data: 'none',
    speed: 0,
    rateLimit: false,
    seed: options.seed,
    cancelDelayMs: CANCEL_DELAY_MS,
    faults: options.faults ?? DEFAULT_FAULTS,
  });
  const proxy = await startCountingProxy(sim.url);
  const market = startMovingMarket(sim, options.seed);
  const account = sim.engine.account(credential.account_number)!;
  const startHoldings = new Map(account.holdings);
  const startCash = account.cash;
  const random = createRandom(options.seed);
  const killWindow = options.killAfterMs ?? { min: 200, max: 1500 };
  const children = new Set<ChildProcess>();
  const base = {
    CRASH_URL: proxy.url,
    CRASH_API_KEY: credential.api_key,
    CRASH_PRIVATE_KEY: credential.private_key,
    CRASH_ACCOUNT: credential.account_number,
    CRASH_DB: db,
  };
  const runs: ChildRun[] = [];
  try {
    for (let run = 0; run < options.kills; run++) {
      const killAfter = random.int(killWindow.min, killWindow.max);
      // One kill in five lands inside start-up (load and the start-up reconciliation) instead of while trading.
      const inStartup = random.chance(0.2) ? random.int(0, 60) : undefined;
      const spawnedAt = Date.now();
      const c = startChild({ ...base, CRASH_SEED: options.seed * 1000 + run, CRASH_MODE: 'trade' });
      children.add(c.child);
      if (inStartup !== undefined) {
        await c.line('STARTING');
        await killAfterDelay(c, run, inStartup);
        children.delete(c.child);
        runs.push({ run, readyAfterMs: undefined, killedAfterMs: inStartup, startup: undefined });
        log(`kill ${run + 1}/${options.kills}: in start-up, ${inStartup}ms after the store opened`);
        continue;
      }
      const startup = JSON.parse(await c.line('READY')) as StartupLine;
      const readyAfter = Date.now() - spawnedAt;
      await killAfterDelay(c, run, killAfter);
      children.delete(c.child);
      runs.push({ run, readyAfterMs: readyAfter, killedAfterMs: killAfter, startup });
      log(
        `kill ${run + 1}/${options.kills}: ready after ${readyAfter}ms, killed ${killAfter}ms later (start-up: adopted ${startup.adopted}, failed ` +
          `${startup.failed}, awaiting ${startup.awaiting}, updated ${startup.updated}, state ${startup.state})`,
      );
    }
    // Freeze the venue: no more quotes, and every requested cancel settles before the last child looks.
    market.stop();
    sim.setFaults('');
    await new Promise((r) => setTimeout(r, CANCEL_DELAY_MS + 100));
    sim.engine.process();

    const last = startChild({ ...base, CRASH_SEED: options.seed * 1000 + options.kills, CRASH_MODE: 'reconcile' });
    children.add(last.child);
    const final = JSON.parse(await last.line('FINAL')) as StartupLine;
    const { code } = await exited(last.child);
    children.delete(last.child);
    if (code !== 0) throw new Error(`the reconcile-only child exited with ${code}: ${last.stderr().slice(-2000)}`);

    sim.engine.process();
    const store = await openStore({ driver: 'sqlite', sqlitePath: db });
    const [localOrders, localFills] = await Promise.all([store.listOrders(), store.listFills()]);
    await store.close();
    const venueOrders = sim.engine.orders(credential.account_number);
    const checked = checkCrashRun({
      venueOrders,
      startHoldings,
      endHoldings: new Map(account.holdings),
      startCash,
      endCash: account.cash,
      posts: proxy.postsByClientOrderId,
      unreadablePosts: proxy.unreadablePosts,
      localOrders,
      localFills,
    });
    const problems = [...checked.problems];
    if (final.state !== 'RUNNING') problems.push(`the engine ended ${final.state}: ${final.stateReason}`);
    if (final.problems.length > 0) problems.push(...final.problems.map((p) => `final reconciliation: ${p}`));
    return {
      ...checked,
      problems,
      ok: problems.length === 0,
      kills: runs.length,
      runs,
      final,
      durationMs: Date.now() - started,
      venueOrders: countBy(venueOrders, (o) => o.state),
      localOrders: countBy(localOrders, (o) => o.status),
      fills: localFills.length,
      posts: [...proxy.postsByClientOrderId.values()].reduce((a, b) => a + b, 0),
    };
  } finally {
    market.stop();
    for (const c of children) c.kill('SIGKILL');
    await proxy.close();
    await sim.close();
    if (tmp !== undefined) rmSync(tmp, { recursive: true, force: true });
  }
}
