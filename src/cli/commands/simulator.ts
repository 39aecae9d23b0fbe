// `sherwood simulator`: runs the Robinhood-compatible simulator on a local port.
import { randomInt } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { z } from 'zod';
import {
  generateCredential,
  loadCredentialsFile,
  parseFaultSpec,
  startSimulator,
  type SimCredential,
  type SimulatorHandle,
} from '../../venues/simulator/index.ts';
import { ConfigError, errorMessage } from '../../core/errors.ts';
import { checkOutputFile, parseFlags } from '../options.ts';

const OptionsSchema = z.object({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.coerce.number().int().min(0).max(65535).default(8787),
  credentials: z.string().optional(),
  writeCredentials: z.string().optional(),
  data: z.array(z.string()).optional(),
  speed: z.coerce.number().min(0).optional(),
  // Without a seed each run draws one, so order ids never repeat across restarts (as on Robinhood); give --seed
  // to replay a run exactly.
  seed: z.coerce
    .number()
    .int()
    .default(() => randomInt(1, 2 ** 31)),
  faults: z.string().optional(),
  cancelDelay: z.coerce.number().int().min(0).optional(),
  latency: z.coerce.number().int().min(0).optional(),
  publicUrl: z.url().optional(),
  end: z.enum(['loop', 'stop']).default('loop'),
  rateLimit: z.boolean().default(true),
  rateLimitScope: z.enum(['endpoint', 'account']).default('endpoint'),
});

export type SimulatorCommandOptions = z.input<typeof OptionsSchema>;

/** Starts the simulator from CLI options; prints what a user needs. Testable without spawning. */
export async function runSimulatorCommand(
  raw: SimulatorCommandOptions,
  log: (line: string) => void = (l) => console.log(l),
): Promise<SimulatorHandle> {
  const o = parseFlags(OptionsSchema, raw);
  // Every flag is checked before an account is made or printed: a bad --faults must not cost a fresh key pair.
  if (o.faults !== undefined) {
    try {
      parseFaultSpec(o.faults);
    } catch (err) {
      throw new ConfigError(`--faults ${JSON.stringify(o.faults)}: ${errorMessage(err)}`, { flag: '--faults' });
    }
  }
  if (o.writeCredentials !== undefined && o.credentials === undefined) {
    checkOutputFile('--write-credentials', o.writeCredentials);
  }
  let accounts: SimCredential[];
  if (o.credentials !== undefined) {
    accounts = loadCredentialsFile(o.credentials);
  } else {
    const generated = generateCredential();
    accounts = [generated];
    log('No --credentials given: created one account for local use.');
    log(`  account number: ${generated.account_number}`);
    log(`  api key:        ${generated.api_key}`);
    log(`  public key:     ${generated.public_key}`);
    log(`  private seed:   ${generated.private_key}   (ROBINHOOD_PRIVATE_KEY; keep it local)`);
    if (o.writeCredentials !== undefined) {
      writeFileSync(o.writeCredentials, `${JSON.stringify({ accounts: [generated] }, null, 2)}\n`, { mode: 0o600 });
      log(`  written to ${o.writeCredentials} (mode 0600)`);
    }
  }
  const sim = await startSimulator({
    host: o.host,
    port: o.port,
    accounts,
    seed: o.seed,
    data: o.data === undefined || o.data.length === 0 ? 'sample' : o.data,
    end: o.end,
    ...(o.speed === undefined ? {} : { speed: o.speed }),
    ...(o.faults === undefined ? {} : { faults: o.faults }),
    ...(o.cancelDelay === undefined ? {} : { cancelDelayMs: o.cancelDelay }),
    ...(o.latency === undefined ? {} : { latencyMs: o.latency }),
    ...(o.publicUrl === undefined ? {} : { publicUrl: o.publicUrl }),
    rateLimit: o.rateLimit ? { perEndpoint: o.rateLimitScope === 'endpoint' } : false,
  });
  log(
    `Robinhood simulator listening on ${sim.url} (${accounts.length} account${accounts.length === 1 ? '' : 's'}, seed ${o.seed})`,
  );
  return sim;
}

export function register(program: Command): void {
  program
    .command('simulator')
    .description('Run the Robinhood-compatible simulator (paper trading, tests)')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--port <port>', 'port (0 = any free port)', '8787')
    .option(
      '--credentials <file>',
      'accounts file: {"accounts":[{"account_number","api_key","public_key","buying_power"}]}',
    )
    .option(
      '--write-credentials <file>',
      'without --credentials: write the generated account (with its private seed) here, mode 0600',
    )
    .option('--data <path...>', 'bar or best-bid/ask files to replay (default: the shipped sample)')
    .option('--speed <n>', 'market time per wall time (default: one bar a second)')
    .option('--seed <n>', 'seed for ids, quotes and faults (default: random, printed at start)')
    .option(
      '--faults <spec>',
      'e.g. "429:0.05,5xx:0.02,slow:0.1@2000,drop:0.01,cancel-delay:5000,fail-orders:0.1,post-timeout:0.05"',
    )
    .option('--cancel-delay <ms>', 'how long a cancel takes to settle (default 1000)')
    .option('--latency <ms>', 'hold every API request this long before handling it (default 0)')
    .option('--public-url <url>', 'origin for absolute pagination links (default: from the Host header)')
    .option('--end <mode>', 'at the end of the data: loop or stop', 'loop')
    .option('--rate-limit-scope <scope>', 'a token bucket per account and "endpoint", or one per "account"', 'endpoint')
    .option('--no-rate-limit', 'turn off the 300/100-per-minute token buckets')
    .action(async (opts: SimulatorCommandOptions) => {
      const sim = await runSimulatorCommand(opts);
      await new Promise<void>((resolve) => {
        const stop = (): void => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await sim.close();
      process.exit(0);
    });
}
