// `sherwood config show [--json] [--sources]` prints the effective configuration with secrets masked;
// `sherwood config validate` checks it. Invalid configuration throws ConfigError: main() prints one line per problem
// and exits with status 2.
import type { Command } from 'commander';
import { stringify as toYaml } from 'yaml';
import { maskSecrets } from '../../config/mask.ts';
import { ConfigError } from '../../core/errors.ts';
import { strategyConfigProblems } from '../../strategies/registry.ts';
import { addConfigOptions, loadConfigFromOptions, type ConfigCliOptions } from '../options.ts';
import { writeStdout } from '../output.ts';

export interface ConfigCommandIo {
  out: (text: string) => void;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

const defaultIo: ConfigCommandIo = { out: writeStdout };

export function register(program: Command, io: ConfigCommandIo = defaultIo): void {
  const context = {
    ...(io.cwd !== undefined ? { cwd: io.cwd } : {}),
    ...(io.env !== undefined ? { env: io.env } : {}),
  };
  const config = program.command('config').description('show or validate the effective configuration');

  addConfigOptions(
    config
      .command('show')
      .description('print the effective configuration (defaults, files, env, --set merged; secrets masked)')
      .option('--json', 'print JSON instead of YAML')
      .option('--sources', 'also list which layer set each key'),
  ).action((opts: ConfigCliOptions & { json?: boolean; sources?: boolean }) => {
    const loaded = loadConfigFromOptions(opts, context);
    const masked = maskSecrets(loaded.config);
    if (opts.json) {
      const body = opts.sources ? { config: masked, sources: Object.fromEntries(loaded.sources) } : masked;
      io.out(`${JSON.stringify(body, null, 2)}\n`);
      return;
    }
    io.out(toYaml(masked));
    if (opts.sources) {
      const lines = [...loaded.sources]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([path, source]) => `#   ${path}: ${source}`);
      io.out(`# sources (keys not listed have their default):\n${lines.join('\n')}\n`);
    }
  });

  addConfigOptions(
    config
      .command('validate')
      .description('check the configuration; exit status 2 with one line per problem if invalid'),
  ).action(async (opts: ConfigCliOptions) => {
    const loaded = loadConfigFromOptions(opts, context);
    // The strategies' types and parameters belong to their own schemas: checked by building each once.
    const problems = await strategyConfigProblems(loaded.config.strategies);
    if (problems.length > 0) throw new ConfigError(problems.join('\n'), { problems });
    const cwd = io.cwd ?? process.cwd();
    const shown = loaded.files.map((f) => (f.startsWith(`${cwd}/`) ? f.slice(cwd.length + 1) : f));
    const files = shown.length > 0 ? shown.join(', ') : 'no files';
    io.out(`configuration is valid (profile ${loaded.profile}, mode ${loaded.config.app.mode}; read ${files})\n`);
  });
}
