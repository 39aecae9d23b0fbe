import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/core/errors.ts';
import { createSigner, generateKeyPair } from '../../../src/venues/robinhood/signer.ts';
import { DOC_API_KEY, DOC_PUBLIC, DOC_SEED, signatureValid } from './helpers.ts';

const BODY =
  '{"client_order_id":"131de903-5a9c-4260-abc1-28d562a5dcf0","side":"buy","type":"market","symbol":"BTC-USD","market_order_config":{"asset_quantity":"0.1"}}';

describe('createSigner', () => {
  const signer = createSigner(DOC_API_KEY, DOC_SEED);

  it('derives the published public key from the seed', () => {
    expect(signer.publicKeyBase64).toBe(DOC_PUBLIC);
  });

  it('reproduces the POST vector (compact JSON body)', () => {
    const headers = signer.sign({
      timestamp: 1698708981,
      path: '/api/v1/crypto/trading/orders/',
      method: 'POST',
      body: BODY,
    });
    expect(headers).toEqual({
      'x-api-key': DOC_API_KEY,
      'x-timestamp': '1698708981',
      'x-signature': '6tIj8o6p+4w+ZnaxVanHtxjhC6s5z4lTI+8lNRjJOZp0dVDlco2NR6obVwBiECP8eoHtfcbsGfTu1rESBHOzCA==',
    });
  });

  it('reproduces the GET vector (no body)', () => {
    const headers = signer.sign({ timestamp: 1698708981, path: '/api/v1/crypto/trading/accounts/', method: 'get' });
    expect(headers['x-signature']).toBe(
      '08PdjWE9n95K4rcXLZS0z47SdFJ0k/hod/1WRNd2JugZemESR65/J8UJi6yGjd8KRPizSW9goFFqffDOgqGBDQ==',
    );
    expect(headers['x-signature']).toHaveLength(88);
  });

  it('signs the query string as part of the path', () => {
    const bare = signer.sign({ timestamp: 1, path: '/api/v2/crypto/trading/holdings/', method: 'GET' });
    const withQuery = signer.sign({
      timestamp: 1,
      path: '/api/v2/crypto/trading/holdings/?asset_code=BTC',
      method: 'GET',
    });
    expect(withQuery['x-signature']).not.toBe(bare['x-signature']);
  });

  it('accepts a 64-byte secret key whose second half is the public key', () => {
    const secret = Buffer.concat([Buffer.from(DOC_SEED, 'base64'), Buffer.from(DOC_PUBLIC, 'base64')]).toString(
      'base64',
    );
    expect(createSigner(DOC_API_KEY, secret).publicKeyBase64).toBe(DOC_PUBLIC);
  });

  const cases: Array<[string, string, RegExp]> = [
    [
      'a mismatched public half',
      Buffer.concat([Buffer.from(DOC_SEED, 'base64'), Buffer.alloc(32, 7)]).toString('base64'),
      /second half/,
    ],
    ['a wrong length', Buffer.alloc(31, 1).toString('base64'), /31 bytes/],
    ['text that is not base64', 'not base64 at all!', /not valid base64/],
    ['an empty key', '', /not valid base64/],
  ];
  it.each(cases)('rejects %s with a ConfigError that does not echo the key', (_name, key, message) => {
    let caught: unknown;
    try {
      createSigner(DOC_API_KEY, key);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as Error).message).toMatch(message);
    if (key.length > 8) expect(JSON.stringify(caught) + (caught as Error).message).not.toContain(key.slice(0, 12));
  });

  it('rejects an empty API key', () => {
    expect(() => createSigner(' ', DOC_SEED)).toThrow(ConfigError);
  });
});

describe('generateKeyPair', () => {
  it('creates a seed and public key that sign and verify', () => {
    const pair = generateKeyPair();
    expect(Buffer.from(pair.privateKeySeedBase64, 'base64')).toHaveLength(32);
    expect(Buffer.from(pair.publicKeyBase64, 'base64')).toHaveLength(32);
    const signer = createSigner('rh-api-test', pair.privateKeySeedBase64);
    expect(signer.publicKeyBase64).toBe(pair.publicKeyBase64);
    const headers = signer.sign({ timestamp: 5, path: '/x/', method: 'GET' });
    const req = { method: 'GET', url: '/x/', body: '', headers: { ...headers } };
    expect(signatureValid(req, pair.publicKeyBase64)).toBe(true);
  });
});
