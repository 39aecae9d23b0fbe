// `sherwood keys generate`: a new Ed25519 key pair in Robinhood's format (base64 raw public key, base64 32-byte seed).
import { chmodSync, writeFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../../core/errors.ts';
import { generateKeyPair, type GeneratedKeyPair } from '../../venues/robinhood/signer.ts';
import { exitCodeFor, processIo, type CliIo } from './api.ts';

export interface KeysIo extends CliIo {
  /** Injected in tests; default generates a fresh random pair. */
  generate?: () => GeneratedKeyPair;
}

function writeKeyFile(path: string, pair: GeneratedKeyPair): void {
  const text = `${JSON.stringify({ public_key: pair.publicKeyBase64, private_key: pair.privateKeySeedBase64 }, null, 2)}\n`;
  try {
    // 'wx': never overwrite an existing key file; mode 0600 from creation so the secret is never world-readable.
    writeFileSync(path, text, { mode: 0o600, flag: 'wx' });
    chmodSync(path, 0o600); // in case a umask or filesystem changed it
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(
      code === 'EEXIST'
        ? `--out ${path}: file exists; refusing to overwrite a key file`
        : `--out ${path}: cannot write (${code ?? 'error'})`,
      { flag: '--out', value: path },
    );
  }
}

export function buildKeysCommand(io: KeysIo): Command {
  const keys = new Command('keys').description('Robinhood API credentials');
  keys
    .command('generate')
    .description('create an Ed25519 key pair: register the public key with Robinhood, keep the private key secret')
    .option('--out <file>', 'write {public_key, private_key} to FILE (mode 0600) and print only the public key')
    .action((opts: { out?: string }) => {
      const pair = (io.generate ?? generateKeyPair)();
      if (opts.out !== undefined) {
        writeKeyFile(opts.out, pair);
        io.stdout(`public key (register it at robinhood.com/account/crypto): ${pair.publicKeyBase64}\n`);
        io.stderr(`private key written to ${opts.out} (mode 0600)\n`);
        return;
      }
      io.stdout(
        `public key (register it at robinhood.com/account/crypto): ${pair.publicKeyBase64}\n` +
          `private key (set ROBINHOOD_PRIVATE_KEY; keep it secret): ${pair.privateKeySeedBase64}\n`,
      );
    });
  return keys;
}

/** Runs `sherwood keys …` without spawning; returns the exit code. */
export async function runKeysCommand(args: string[], io: KeysIo): Promise<number> {
  const program = new Command('sherwood').exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  const keys = buildKeysCommand(io);
  program.addCommand(keys);
  for (const c of [keys, ...keys.commands])
    c.exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  try {
    await program.parseAsync(['keys', ...args], { from: 'user' });
    return 0;
  } catch (err) {
    return err instanceof CommanderError && err.exitCode === 0 ? 0 : exitCodeFor(err, io);
  }
}

export function register(program: Command): void {
  program.addCommand(buildKeysCommand(processIo));
}
