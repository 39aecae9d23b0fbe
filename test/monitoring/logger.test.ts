import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { childLogger, createLogger, REDACTED } from '../../src/monitoring/logger.ts';

/** A destination that keeps everything written to it. */
function memoryStream(): { stream: Writable; text: () => string; lines: () => Array<Record<string, unknown>> } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const text = (): string => chunks.join('');
  return {
    stream,
    text,
    lines: () =>
      text()
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

const SECRETS = ['AK-123', 'PK-456', 'PP-789', 'PW-000', 'SC-111', 'AU-222', 'SG-333', 'XK-444', 'HD-555', 'CF-666'];

describe('createLogger', () => {
  it('writes JSON lines with level, name and message', () => {
    const out = memoryStream();
    const log = createLogger({ level: 'debug', pretty: false, destination: out.stream, name: 'sherwood' });
    log.debug({ symbol: 'BTC-USD' }, 'quote');
    log.trace('not at this level');
    expect(out.lines()).toEqual([
      expect.objectContaining({ level: 20, name: 'sherwood', symbol: 'BTC-USD', msg: 'quote' }),
    ]);
  });

  it('redacts secrets by key at any depth, and whole header and config.api subtrees', () => {
    const out = memoryStream();
    const log = createLogger({ pretty: false, destination: out.stream });
    log.info({ api_key: SECRETS[0], apiKey: SECRETS[0] }, 'top level');
    log.info({ client: { private_key: SECRETS[1], privateKey: SECRETS[1] } }, 'one deep');
    log.info({ a: { b: { passphrase: SECRETS[2], password: SECRETS[3] } } }, 'two deep');
    log.info({ a: { b: { c: { secret: SECRETS[4], authorization: SECRETS[5] } } } }, 'three deep');
    log.info({ a: { b: { c: { d: { 'x-signature': SECRETS[6], 'x-api-key': SECRETS[7] } } } } }, 'four deep');
    log.info({ request: { headers: { 'x-timestamp': '1700000000', custom: SECRETS[8] } } }, 'headers');
    log.info({ headers: { anything: SECRETS[8] } }, 'top headers');
    log.info({ config: { api: { base_url: 'x', api_key: SECRETS[9] } } }, 'config');
    log.info({ app: { config: { api: { private_key: SECRETS[9] } } } }, 'nested config');
    const text = out.text();
    for (const secret of SECRETS) expect(text).not.toContain(secret);
    const lines = out.lines();
    expect(lines[0]).toMatchObject({ api_key: REDACTED, apiKey: REDACTED });
    expect(lines[3]).toMatchObject({ a: { b: { c: { secret: REDACTED, authorization: REDACTED } } } });
    expect(lines[5]).toMatchObject({ request: { headers: { custom: REDACTED } } });
    expect(lines[7]).toMatchObject({ config: { api: { base_url: REDACTED, api_key: REDACTED } } });
  });

  it('leaves other fields alone', () => {
    const out = memoryStream();
    createLogger({ pretty: false, destination: out.stream }).info({ order: { id: 'o-1', quantity: '0.5' } }, 'placed');
    expect(out.lines()[0]).toMatchObject({ order: { id: 'o-1', quantity: '0.5' } });
  });

  it('pretty-prints synchronously, still redacted', () => {
    const out = memoryStream();
    const log = createLogger({ pretty: true, destination: out.stream });
    log.info({ api_key: SECRETS[0], venue: 'simulator' }, 'started');
    const text = out.text();
    expect(text).toContain('started');
    expect(text).toContain('simulator');
    expect(text).not.toContain(SECRETS[0]);
    expect(() => JSON.parse(text.trim()) as unknown).toThrow(); // human text, not JSON
  });
});

describe('childLogger', () => {
  it('tags every line with the component and keeps redaction', () => {
    const out = memoryStream();
    const log = childLogger(createLogger({ pretty: false, destination: out.stream }), 'execution');
    log.warn({ auth: { api_key: SECRETS[0] } }, 'retrying');
    expect(out.lines()[0]).toMatchObject({ component: 'execution', level: 40, auth: { api_key: REDACTED } });
  });
});
