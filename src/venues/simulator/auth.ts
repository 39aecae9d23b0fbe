// Ed25519 request verification, written from the reference (§1.3) and independent of the API client's signer:
// message = api key + timestamp + request target (path with query, as received) + METHOD + body bytes as received.
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { authFailed, clientError, type SimApiError } from './errors.ts';

const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** Imports a base64 raw 32-byte Ed25519 public key, as Robinhood's settings page takes it. */
export function publicKeyFromBase64(base64: string): KeyObject {
  const raw = Buffer.from(base64, 'base64');
  if (raw.length !== 32) throw new RangeError(`public key must be 32 bytes of base64, got ${raw.length} bytes`);
  return createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, raw]), format: 'der', type: 'spki' });
}

export function signedMessage(apiKey: string, timestamp: string, target: string, method: string, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${apiKey}${timestamp}${target}${method}`, 'utf8'), body]);
}

export function verifySignature(
  publicKey: KeyObject,
  apiKey: string,
  timestamp: string,
  target: string,
  method: string,
  body: Buffer,
  signatureBase64: string,
): boolean {
  const signature = Buffer.from(signatureBase64, 'base64');
  if (signature.length !== 64) return false;
  return verify(null, signedMessage(apiKey, timestamp, target, method, body), publicKey, signature);
}

export interface AuthHeaders {
  readonly apiKey: string | undefined;
  readonly timestamp: string | undefined;
  readonly signature: string | undefined;
}

export interface TimestampWindow {
  /** How old a timestamp may be, in seconds (Robinhood: 30). */
  readonly maxAgeSeconds: number;
  /** How far ahead of the server clock a timestamp may be, in seconds (unconfirmed; ours: 5). */
  readonly maxFutureSeconds: number;
}

export const DEFAULT_TIMESTAMP_WINDOW: TimestampWindow = { maxAgeSeconds: 30, maxFutureSeconds: 5 };

/**
 * Checks the three headers and returns the api key, or the 401 to send. `lookup` gives the public key registered
 * for an api key.
 */
export function authenticate(
  headers: AuthHeaders,
  target: string,
  method: string,
  body: Buffer,
  nowMs: number,
  lookup: (apiKey: string) => KeyObject | undefined,
  window: TimestampWindow = DEFAULT_TIMESTAMP_WINDOW,
): { apiKey: string } | { error: SimApiError } {
  const { apiKey, timestamp, signature } = headers;
  if (!apiKey || !timestamp || !signature)
    return { error: clientError(401, 'Authentication credentials were not provided.') };
  if (!/^\d{1,12}$/.test(timestamp)) return { error: authFailed() };
  const ageSeconds = nowMs / 1000 - Number(timestamp);
  if (ageSeconds > window.maxAgeSeconds || -ageSeconds > window.maxFutureSeconds) return { error: authFailed() };
  const key = lookup(apiKey);
  if (key === undefined) return { error: authFailed() };
  if (!verifySignature(key, apiKey, timestamp, target, method, body, signature)) return { error: authFailed() };
  return { apiKey };
}
