// `sherwood strategies`: the strategies the registry knows and, for one of them (or a user strategy file), its
// parameters — type, default, bounds, meaning — read from the same zod schema the config, the backtester and the
// optimizer validate with.
//   sherwood strategies
//   sherwood strategies trend
//   sherwood strategies ./my-strategy.ts --json
import type { Command } from 'commander';
import { defaultRegistry, describeParams, type ParamDoc, type StrategyInfo } from '../../strategies/registry.ts';
import { writeStdout } from '../output.ts';

export interface StrategiesIo {
  out: (text: string) => void;
}

const defaultIo: StrategiesIo = { out: writeStdout };

/** Every registered strategy, or one (a name or a file path) with its parameters. */
export async function strategyInfo(name?: string): Promise<StrategyInfo[]> {
  if (name === undefined) return defaultRegistry.list();
  const cls = await defaultRegistry.resolve(name);
  return [{ name, description: cls.description ?? '', params: describeParams(cls.paramsSchema) }];
}

function range(p: ParamDoc): string {
  if (p.min === undefined && p.max === undefined) return '';
  // "> 0 … 1" for gt(0).max(1): the bound itself is not allowed.
  const low = p.min === undefined ? '-∞' : `${p.minExclusive === true ? '> ' : ''}${p.min}`;
  const high = p.max === undefined ? '∞' : `${p.maxExclusive === true ? '< ' : ''}${p.max}`;
  return `${low} … ${high}`;
}

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((cell, c) => cell.padEnd(widths[c] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function formatList(infos: readonly StrategyInfo[]): string {
  const rows = [['strategy', 'description'], ...infos.map((i) => [i.name, i.description])];
  return `${table(rows)}\n\nsherwood strategies NAME shows a strategy's parameters.\n`;
}

function formatOne(info: StrategyInfo): string {
  const rows = [
    ['parameter', 'type', 'default', 'range', 'meaning'],
    ...info.params.map((p) => [
      p.name,
      p.type,
      p.default === undefined ? (p.required ? '(required)' : '') : JSON.stringify(p.default),
      range(p),
      p.description ?? '',
    ]),
  ];
  return `${info.name}: ${info.description}\n\n${table(rows)}\n`;
}

export function register(program: Command, io: StrategiesIo = defaultIo): void {
  program
    .command('strategies')
    .description('list the strategies, or show one strategy’s parameters (a built-in name or a .ts/.js file)')
    .argument('[name]', 'a built-in strategy name or the path of a strategy file')
    .option('--json', 'print JSON')
    .action(async (name: string | undefined, opts: { json?: boolean }) => {
      const infos = await strategyInfo(name);
      if (opts.json === true) io.out(`${JSON.stringify(name === undefined ? infos : infos[0], null, 2)}\n`);
      else io.out(name === undefined ? formatList(infos) : formatOne(infos[0]!));
    });
}
