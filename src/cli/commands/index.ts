// The one place where subcommands are registered. Each module exports `register(program)`.
import type { Command } from 'commander';

const registrars: Array<(program: Command) => void> = [];

export function registerCommands(program: Command): void {
  for (const register of registrars) register(program);
}
