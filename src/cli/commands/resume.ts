// `sherwood resume`: lifts a drawdown or daily-loss halt that the risk engine persisted. Such halts never clear by
// themselves (the other halts do, when their cause clears): a person has to decide that trading may go on.
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { ConfigError } from '../../core/errors.ts';
import { openStore } from '../../persistence/open-store.ts';
import { clearPersistedHalt, readPersistedHalt } from '../../risk/halt-store.ts';
import { addConfigOptions, loadConfigFromOptions, type ConfigCliOptions } from '../options.ts';

export async function runResume(opts: ConfigCliOptions, out: (line: string) => void = console.log): Promise<boolean> {
  const { config } = loadConfigFromOptions(opts);
  // Opening a SQLite path that is not there would create an empty database and report "no halt" from it.
  if (config.storage.driver === 'sqlite' && !existsSync(config.storage.sqlite_path)) {
    throw new ConfigError(
      `storage.sqlite_path "${config.storage.sqlite_path}": no database there, so no halt to lift (an embedded ` +
        '`sherwood start` session keeps its own store and starts fresh each time)',
      { sqlitePath: config.storage.sqlite_path },
    );
  }
  const store = await openStore(
    config.storage.driver === 'postgres'
      ? { driver: 'postgres', postgresUrl: config.storage.postgres_url ?? '' }
      : { driver: 'sqlite', sqlitePath: config.storage.sqlite_path },
  );
  try {
    const halt = await readPersistedHalt(store);
    if (halt === undefined) {
      out('no persisted halt: nothing to resume');
      return false;
    }
    out(`lifting ${halt.state} (${halt.cause}) since ${new Date(halt.since).toISOString()}: ${halt.reason}`);
    await clearPersistedHalt(store);
    out('resumed: the next start trades normally');
    return true;
  } finally {
    await store.close();
  }
}

export function register(program: Command): void {
  addConfigOptions(
    program.command('resume').description('Lift a persisted drawdown or daily-loss halt so that the next start trades'),
  ).action(async (opts: ConfigCliOptions) => {
    await runResume(opts);
  });
}
