// The `sherwood` command. Subcommands are registered from one place (./commands/index.ts).
import { CommanderError } from 'commander';
import { buildProgram } from './program.ts';
import { errorMessage, SherwoodError } from '../core/errors.ts';

export const EXIT_USAGE = 2;

async function main(argv: string[]): Promise<number> {
  try {
    const program = await buildProgram(argv);
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // commander already printed the message; --help and --version exit 0
      return err.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    if (err instanceof SherwoodError) {
      process.stderr.write(`error: ${err.message}\n`);
      return err.code === 'CONFIG_ERROR' || err.code === 'VALIDATION_ERROR' ? EXIT_USAGE : 1;
    }
    process.stderr.write(`error: ${errorMessage(err)}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv);
