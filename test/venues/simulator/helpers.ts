/* eslint-disable @typescript-eslint/no-explicit-any -- raw JSON replies are checked field by field */
// A tiny signed-request helper for the simulator tests, written independently of the API client.
import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import {
  generateCredential,
  startSimulator,
  type SimulatorHandle,
  type SimulatorOptions,
} from '../../../src/venues/simulator/index.ts';
import type { GeneratedCredential } from '../../../src/venues/simulator/credentials.ts';
import { untilValue } from '../../support/until.ts';

const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export function privateKeyFromSeed(seedBase64: string): KeyObject {
  return createPrivateKey({
    key: Buffer.concat([PKCS8_PREFIX, Buffer.from(seedBase64, 'base64')]),
    format: 'der',
    type: 'pkcs8',
  });
}

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

export class Client {
  readonly #key: KeyObject;
  constructor(
    readonly baseUrl: string,
    readonly credential: GeneratedCredential,
    readonly nowSeconds: () => number = () => Math.floor(Date.now() / 1000),
  ) {
    this.#key = privateKeyFromSeed(credential.private_key);
  }

  headers(
    method: string,
    target: string,
    body: string,
    overrides: Record<string, string> = {},
  ): Record<string, string> {
    const ts = String(this.nowSeconds());
    const message = `${this.credential.api_key}${ts}${target}${method}${body}`;
    return {
      'x-api-key': this.credential.api_key,
      'x-timestamp': ts,
      'x-signature': sign(null, Buffer.from(message), this.#key).toString('base64'),
      'content-type': 'application/json; charset=utf-8',
      ...overrides,
    };
  }

  async request(
    method: 'GET' | 'POST',
    target: string,
    body?: unknown,
    overrides: Record<string, string> = {},
  ): Promise<Reply> {
    const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
    const res = await fetch(this.baseUrl + target, {
      method,
      headers: this.headers(method, target, text, overrides),
      ...(text === '' ? {} : { body: text }),
    });
    const replyText = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(replyText);
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text: replyText, json };
  }

  get(target: string): Promise<Reply> {
    return this.request('GET', target);
  }

  post(target: string, body?: unknown): Promise<Reply> {
    return this.request('POST', target, body);
  }

  /** Follows an absolute `next`/`previous` link: strip the origin, sign the rest. */
  follow(url: string): Promise<Reply> {
    const u = new URL(url);
    return this.get(u.pathname + u.search);
  }
}

export async function control(sim: SimulatorHandle, path: string, body: unknown = {}): Promise<any> {
  const res = await fetch(sim.url + path, { method: 'POST', body: JSON.stringify(body) });
  return res.json();
}

export interface Setup {
  sim: SimulatorHandle;
  client: Client;
  credential: GeneratedCredential;
}

export async function setup(options: SimulatorOptions = {}, buyingPower = '100000'): Promise<Setup> {
  const credential = generateCredential(buyingPower);
  credential.account_number = '123456789';
  const sim = await startSimulator({
    data: 'none',
    seed: 7,
    rateLimit: false,
    ...options,
    accounts: [credential, ...(options.accounts ?? [])],
  });
  return { sim, client: new Client(sim.url, credential), credential };
}

/** Polls until `check` returns a value, or fails after `ms`. */
export function until<T>(check: () => Promise<T | undefined> | T | undefined, ms = 5000): Promise<T> {
  return untilValue('the condition', check, ms, 20);
}

let n = 0;
/** Deterministic UUIDs for client_order_id. */
export function uuid(): string {
  n++;
  return `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
}
