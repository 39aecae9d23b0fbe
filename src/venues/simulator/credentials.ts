// Simulator credentials: the file format (zod-validated) and key generation for local use. Keys are Robinhood's
// format: base64 raw 32-byte Ed25519 public key, base64 32-byte private seed.
import { generateKeyPairSync, randomInt, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from '../../core/errors.ts';

const decimalText = z
  .union([z.string(), z.number()])
  .transform((v) => String(v))
  .pipe(z.string().regex(/^\d+(\.\d+)?$/, 'must be a non-negative decimal such as "10000" or "2500.50"'));

export const SimCredentialSchema = z.object({
  account_number: z.string().min(1),
  api_key: z.string().min(1),
  public_key: z
    .string()
    .refine((k) => Buffer.from(k, 'base64').length === 32, 'must be the base64 of a raw 32-byte Ed25519 public key'),
  buying_power: decimalText,
  holdings: z.record(z.string().regex(/^[A-Z0-9]+$/), decimalText).optional(),
  fee_ratio: decimalText.optional(),
});

export const CredentialsFileSchema = z.object({ accounts: z.array(SimCredentialSchema).min(1) });

export type SimCredential = z.infer<typeof SimCredentialSchema>;

export function parseCredentials(value: unknown, source = 'credentials'): SimCredential[] {
  const result = CredentialsFileSchema.safeParse(value);
  if (!result.success) throw new ConfigError(`${source} is invalid:\n${z.prettifyError(result.error)}`, { source });
  return result.data.accounts;
}

export function loadCredentialsFile(path: string): SimCredential[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read credentials file ${path}: ${(err as Error).message}`, { path });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`credentials file ${path} is not JSON: ${(err as Error).message}`, { path });
  }
  return parseCredentials(value, path);
}

export interface GeneratedCredential extends SimCredential {
  /** base64 32-byte seed, for the client's ROBINHOOD_PRIVATE_KEY. */
  private_key: string;
}

export function generateCredential(buyingPower = '100000'): GeneratedCredential {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const seed = privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(-32);
  const pub = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  return {
    account_number: String(randomInt(100_000_000, 999_999_999)),
    api_key: `rh-api-${randomUUID()}`,
    public_key: pub.toString('base64'),
    private_key: seed.toString('base64'),
    buying_power: buyingPower,
  };
}
