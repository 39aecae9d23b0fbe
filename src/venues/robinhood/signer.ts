// Ed25519 request signing for the Robinhood Crypto API, with node:crypto only.
// message = api key + timestamp + path (with query) + method + body, signed as UTF-8 (pure Ed25519, no pre-hash).
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { ConfigError } from '../../core/errors.ts';

/** PKCS#8 DER header for an Ed25519 private key; the 32-byte seed follows it. */
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
/** SPKI DER header for an Ed25519 public key; the 32 raw bytes follow it. */
const SPKI_ED25519_PREFIX_LENGTH = 12;
const BASE64_RE = /^[A-Za-z0-9+/]+={0,2}$/;

export interface SignInput {
  /** Unix time in seconds, sent as `x-timestamp`. */
  timestamp: number;
  /** Request target exactly as sent: path plus query string, no scheme or host. */
  path: string;
  method: string;
  /** The exact body text sent; empty or undefined for requests without a body. */
  body?: string | undefined;
}

export interface SignedHeaders {
  'x-api-key': string;
  'x-timestamp': string;
  'x-signature': string;
}

export interface Signer {
  readonly apiKey: string;
  /** Base64 of the raw 32-byte public key derived from the private key. */
  readonly publicKeyBase64: string;
  sign(input: SignInput): SignedHeaders;
}

function decodeBase64Key(privateKeyBase64: string): Buffer {
  const text = privateKeyBase64.trim();
  if (text.length === 0 || text.length % 4 !== 0 || !BASE64_RE.test(text)) {
    throw new ConfigError('the Robinhood private key is not valid base64 (expected base64 of a 32-byte Ed25519 seed)', {
      field: 'privateKey',
      length: text.length,
    });
  }
  return Buffer.from(text, 'base64');
}

function rawPublicKey(key: KeyObject): Buffer {
  const der = createPublicKey(key).export({ format: 'der', type: 'spki' });
  return der.subarray(SPKI_ED25519_PREFIX_LENGTH);
}

/** Turns a base64 seed (32 bytes) or seed+public secret key (64 bytes) into a KeyObject. Never echoes the key. */
export function privateKeyFromBase64(privateKeyBase64: string): KeyObject {
  const bytes = decodeBase64Key(privateKeyBase64);
  if (bytes.length !== 32 && bytes.length !== 64) {
    throw new ConfigError(
      `the Robinhood private key decodes to ${bytes.length} bytes; expected a 32-byte Ed25519 seed (or a 64-byte seed+public key)`,
      { field: 'privateKey', bytes: bytes.length },
    );
  }
  const seed = bytes.subarray(0, 32);
  const key = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  if (bytes.length === 64 && !rawPublicKey(key).equals(bytes.subarray(32))) {
    // A 64-byte secret key (tweetnacl format) is seed followed by its public key; anything else is a wrong key.
    throw new ConfigError(
      'the Robinhood private key is 64 bytes but its second half is not the public key derived from its first half',
      { field: 'privateKey', bytes: 64 },
    );
  }
  return key;
}

export function createSigner(apiKey: string, privateKeyBase64: string): Signer {
  if (apiKey.trim().length === 0) throw new ConfigError('the Robinhood API key is empty', { field: 'apiKey' });
  const key = privateKeyFromBase64(privateKeyBase64); // created once: building a KeyObject costs more than signing
  const publicKeyBase64 = rawPublicKey(key).toString('base64');
  return {
    apiKey,
    publicKeyBase64,
    sign({ timestamp, path, method, body }: SignInput): SignedHeaders {
      const ts = String(Math.trunc(timestamp));
      const message = `${apiKey}${ts}${path}${method.toUpperCase()}${body ?? ''}`;
      const signature = sign(null, Buffer.from(message, 'utf8'), key).toString('base64');
      return { 'x-api-key': apiKey, 'x-timestamp': ts, 'x-signature': signature };
    },
  };
}

export interface GeneratedKeyPair {
  /** Keep secret: the value for ROBINHOOD_PRIVATE_KEY. */
  privateKeySeedBase64: string;
  /** Register this one with Robinhood. */
  publicKeyBase64: string;
}

export function generateKeyPair(): GeneratedKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const pkcs8 = privateKey.export({ format: 'der', type: 'pkcs8' });
  const seed = pkcs8.subarray(PKCS8_ED25519_PREFIX.length);
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  return {
    privateKeySeedBase64: seed.toString('base64'),
    publicKeyBase64: spki.subarray(SPKI_ED25519_PREFIX_LENGTH).toString('base64'),
  };
}
