import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.ts';
import { COMMANDS, invokedCommand } from '../../src/cli/commands/index.ts';

describe('command registry', () => {
  it('finds the invoked command, also behind `help`', () => {
    expect(invokedCommand(['node', 'sherwood', 'api', 'quotes', 'BTC-USD'])).toBe('api');
    expect(invokedCommand(['node', 'sherwood', '--json', 'config', 'show'])).toBe('config');
    expect(invokedCommand(['node', 'sherwood', 'help', 'start'])).toBe('start');
    expect(invokedCommand(['node', 'sherwood', '--help'])).toBeUndefined();
  });

  it('registers every real module under the name its placeholder uses', async () => {
    const program = await buildProgram(['node', 'sherwood'], true);
    const names = program.commands.map((c) => c.name());
    expect(names.sort()).toEqual(COMMANDS.map((c) => c.name).sort());
  });

  it('loads only the invoked module and keeps placeholders for the rest', async () => {
    const program = await buildProgram(['node', 'sherwood', 'keys', 'generate']);
    const keys = program.commands.find((c) => c.name() === 'keys');
    expect(keys?.commands.map((c) => c.name())).toContain('generate');
    const api = program.commands.find((c) => c.name() === 'api');
    expect(api?.commands).toEqual([]);
  });
});
