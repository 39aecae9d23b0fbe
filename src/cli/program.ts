import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { registerCommands } from './commands/index.ts';

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0';
}

/** Builds the command tree. Errors throw (exitOverride) so that main() picks the exit code: 2 for usage errors. */
export async function buildProgram(argv: readonly string[] = process.argv, all = false): Promise<Command> {
  const program = new Command('sherwood')
    .description('Sherwood: a trading engine for the Robinhood Crypto API, with a Robinhood-compatible simulator')
    .version(packageVersion(), '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  await registerCommands(program, argv, all);
  // Every subcommand inherits strictness and exitOverride.
  for (const cmd of allCommands(program)) cmd.exitOverride().showHelpAfterError('(run with --help for usage)');
  return program;
}

function allCommands(cmd: Command): Command[] {
  return cmd.commands.flatMap((c) => [c, ...allCommands(c)]);
}
