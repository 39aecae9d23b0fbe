// The one place where subcommands are registered. Each module exports `register(program)`.
// Modules are imported only for the command being run (the others get a one-line placeholder for `--help`), so
// `sherwood --help` does not load the simulator, the store or the engine.
import type { Command } from 'commander';

interface CommandModule {
  register(program: Command): void;
}

interface CommandEntry {
  readonly name: string;
  readonly description: string;
  readonly load: () => Promise<CommandModule>;
}

export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'start',
    description: 'Paper trading on the embedded Robinhood simulator with the shipped market data',
    load: () => import('./start.ts'),
  },
  {
    name: 'simulator',
    description: 'Run the Robinhood-compatible simulator (paper trading, tests)',
    load: () => import('./simulator.ts'),
  },
  {
    name: 'strategies',
    description: 'List the strategies, or show one strategy’s parameters',
    load: () => import('./strategies.ts'),
  },
  {
    name: 'backtest',
    description: 'Backtest a strategy on historical data through the live engine',
    load: () => import('./backtest.ts'),
  },
  {
    name: 'optimize',
    description: 'Search strategy parameters with parallel backtests; walk-forward out-of-sample check',
    load: () => import('./optimize.ts'),
  },
  {
    name: 'api',
    description: 'Call the Robinhood Crypto API (credentials from ROBINHOOD_API_KEY and ROBINHOOD_PRIVATE_KEY)',
    load: () => import('./api.ts'),
  },
  { name: 'keys', description: 'Generate an Ed25519 key pair for the Robinhood API', load: () => import('./keys.ts') },
  {
    name: 'risk',
    description: "Print the risk limits, the running session's risk state and VaR (--live), or the VaR of bar files",
    load: () => import('./risk.ts'),
  },
  {
    name: 'resume',
    description: 'Lift a persisted drawdown or daily-loss halt so that the next start trades',
    load: () => import('./resume.ts'),
  },
  { name: 'config', description: 'Show or check the effective configuration', load: () => import('./config.ts') },
];

/** The subcommand a command line asks for (`sherwood help X` asks for X). */
export function invokedCommand(argv: readonly string[]): string | undefined {
  const words = argv.slice(2).filter((a) => !a.startsWith('-'));
  return words[0] === 'help' ? words[1] : words[0];
}

/** Registers every command: the real module for the one invoked (all of them when `all`), placeholders otherwise. */
export async function registerCommands(program: Command, argv: readonly string[], all = false): Promise<void> {
  const invoked = invokedCommand(argv);
  for (const entry of COMMANDS) {
    if (all || entry.name === invoked) (await entry.load()).register(program);
    else program.command(entry.name).description(entry.description);
  }
}
