// The one place where subcommands are registered. Each module exports `register(program)`.
import type { Command } from 'commander';
import { register as registerApi } from './api.ts';
import { register as registerConfig } from './config.ts';
import { register as registerKeys } from './keys.ts';
import { register as registerSimulator } from './simulator.ts';
import { register as registerStart } from './start.ts';

const registrars: Array<(program: Command) => void> = [
  registerStart,
  (p) => registerConfig(p),
  registerApi,
  registerKeys,
  registerSimulator,
];

export function registerCommands(program: Command): void {
  for (const register of registrars) register(program);
}
