import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runKeysCommand, type KeysIo } from '../../../src/cli/commands/keys.ts';
import { createSigner } from '../../../src/venues/robinhood/signer.ts';

const files: string[] = [];
afterEach(() => {
  for (const f of files.splice(0)) rmSync(f, { force: true });
});

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: KeysIo = { stdout: (t) => void (out += t), stderr: (t) => void (err += t), env: {} };
  const code = await runKeysCommand(args, io);
  return { code, out, err };
}

describe('sherwood keys generate', () => {
  it('prints a public key and a private seed that belong together', async () => {
    const r = await run(['generate']);
    expect(r.code).toBe(0);
    const pub = /public key.*: (\S+)/.exec(r.out)![1]!;
    const seed = /private key.*: (\S+)/.exec(r.out)![1]!;
    expect(Buffer.from(seed, 'base64')).toHaveLength(32);
    expect(createSigner('rh-api-x', seed).publicKeyBase64).toBe(pub);
  });

  it('--out writes JSON with mode 0600 and prints only the public key', async () => {
    const file = path.join(os.tmpdir(), `sherwood-keys-${process.pid}-${Date.now()}.json`);
    files.push(file);
    const r = await run(['generate', '--out', file]);
    expect(r.code).toBe(0);
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { public_key: string; private_key: string };
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(r.out).toContain(saved.public_key);
    expect(r.out + r.err).not.toContain(saved.private_key);
    expect(createSigner('rh-api-x', saved.private_key).publicKeyBase64).toBe(saved.public_key);

    const again = await run(['generate', '--out', file]);
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/exists/);
    expect(existsSync(file)).toBe(true);
  });
});
