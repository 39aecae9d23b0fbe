// `sherwood start` (and `npm start`): a paper-trading session on the embedded Robinhood simulator with the shipped
// market data, or on an external Robinhood-compatible URL. Runs until SIGINT/SIGTERM (or --duration), then stops
// every component in reverse order.
import type { Command } from 'commander';
import pino from 'pino';
import { z } from 'zod';
import { startPaperSession } from '../../app/paper-session.ts';
import { ConfigError } from '../../core/errors.ts';
import { createLogger } from '../../monitoring/logger.ts';
import { strategyConfigProblems } from '../../strategies/registry.ts';
import { addConfigOptions, loadConfigFromOptions, parseFlags, type ConfigCliOptions } from '../options.ts';

const StartOptionsSchema = z.object({
  baseUrl: z.url({ error: 'must be a URL like http://127.0.0.1:8787' }).optional(),
  port: z.coerce
    .number({ error: 'must be a port number, 0 to 65535' })
    .int('must be a port number, 0 to 65535')
    .min(0, 'must be a port number, 0 to 65535')
    .max(65535, 'must be a port number, 0 to 65535 (0 = any free port)')
    .optional(),
  duration: z.coerce
    .number({ error: 'must be a number of seconds' })
    .positive('must be more than 0 seconds')
    .optional(),
});

interface StartCliOptions extends ConfigCliOptions {
  baseUrl?: string;
  port?: string;
  duration?: string;
}

export async function runStart(opts: StartCliOptions, out: (line: string) => void = console.log): Promise<void> {
  const flags = parseFlags(StartOptionsSchema, { baseUrl: opts.baseUrl, port: opts.port, duration: opts.duration });
  const extraSets = flags.port !== undefined ? [`simulator.port=${flags.port}`] : [];
  const { config } = loadConfigFromOptions({ ...opts, set: [...(opts.set ?? []), ...extraSets] });
  // A strategy typo fails here, before the simulator starts and the session's store is replaced.
  const problems = await strategyConfigProblems(config.strategies);
  if (problems.length > 0) throw new ConfigError(problems.join('\n'), { problems });
  const logger = createLogger({
    level: config.app.log_level,
    name: 'sherwood',
    destination: pino.destination({ dest: 2, sync: true }),
    pretty: process.stderr.isTTY && process.env.CI === undefined,
  });
  const session = await startPaperSession({
    config,
    out,
    logger,
    ...(flags.baseUrl !== undefined && { baseUrl: flags.baseUrl }),
  });
  out('paper session running — Ctrl-C to stop');
  await new Promise<void>((resolve) => {
    const done = (): void => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
    if (flags.duration !== undefined) setTimeout(done, flags.duration * 1000).unref();
  });
  out('stopping…');
  await session.stop();
  out('stopped cleanly');
}

export function register(program: Command): void {
  addConfigOptions(
    program
      .command('start')
      .description('Paper trading on the embedded Robinhood simulator with the shipped market data')
      .option('--base-url <url>', 'use an external Robinhood-compatible venue instead of the embedded simulator')
      .option('--port <port>', 'port of the embedded simulator (0 = any free port)')
      .option('--duration <seconds>', 'stop by itself after this many seconds'),
  ).action(async (opts: StartCliOptions) => {
    await runStart(opts);
  });
}
