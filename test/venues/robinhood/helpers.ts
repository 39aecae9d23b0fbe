// Test doubles for the Robinhood client tests: a hand-driven clock and a small stub HTTP server of our own.
import { createPublicKey, verify } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Timers, TimerHandle } from '../../../src/venues/robinhood/timers.ts';

/** A clock that moves only when told to; due timers fire in time order. */
export class ManualTimers implements Timers {
  #now: number;
  #seq = 0;
  #timers = new Map<number, { at: number; fn: () => void }>();
  constructor(startMs = 1_700_000_000_000) {
    this.#now = startMs;
  }
  now = (): number => this.#now;
  setTimeout = (fn: () => void, ms: number): TimerHandle => {
    const id = ++this.#seq;
    this.#timers.set(id, { at: this.#now + Math.max(0, ms), fn });
    return id;
  };
  clearTimeout = (handle: TimerHandle): void => {
    this.#timers.delete(handle as number);
  };
  get pending(): number {
    return this.#timers.size;
  }
  /** Moves the clock forward, firing due timers in order and letting promises settle after each. */
  async advance(ms: number): Promise<void> {
    const target = this.#now + ms;
    for (;;) {
      const due = [...this.#timers.entries()]
        .filter(([, t]) => t.at <= target)
        .sort((a, b) => a[1].at - b[1].at || a[0] - b[0])[0];
      if (!due) break;
      this.#timers.delete(due[0]);
      this.#now = Math.max(this.#now, due[1].at);
      due[1].fn();
      await flush();
    }
    this.#now = target;
    await flush();
  }
}

/** Timers whose waits pass instantly while the clock still advances by the requested delay. */
export class FastTimers implements Timers {
  #now: number;
  readonly delays: number[] = [];
  constructor(startMs = 1_700_000_000_000) {
    this.#now = startMs;
  }
  now = (): number => this.#now;
  setTimeout = (fn: () => void, ms: number): TimerHandle => {
    this.delays.push(ms);
    return setImmediate(() => {
      this.#now += ms;
      fn();
    });
  };
  clearTimeout = (handle: TimerHandle): void => clearImmediate(handle as NodeJS.Immediate);
  tick(ms: number): void {
    this.#now += ms;
  }
}

export async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((r) => setImmediate(r));
}

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface StubReply {
  status?: number;
  headers?: Record<string, string>;
  body?: string | object;
  /** Destroy the socket without answering. */
  drop?: boolean;
  /** Wait this long before answering (real ms: keep it small). */
  delayMs?: number;
}

export type StubHandler = (req: RecordedRequest, index: number) => StubReply | Promise<StubReply>;

export interface StubServer {
  baseUrl: string;
  requests: RecordedRequest[];
  handler: StubHandler;
  close(): Promise<void>;
}

export async function startStub(handler: StubHandler): Promise<StubServer> {
  const requests: RecordedRequest[] = [];
  const stub: StubServer = { baseUrl: '', requests, handler, close: async () => {} };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const recorded = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(recorded);
      void Promise.resolve(stub.handler(recorded, requests.length - 1)).then(async (reply) => {
        if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
        if (reply.drop) {
          req.socket.destroy();
          return;
        }
        const body =
          typeof reply.body === 'string' ? reply.body : reply.body === undefined ? '' : JSON.stringify(reply.body);
        res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
        res.end(body);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  stub.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  stub.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return stub;
}

const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** Verifies a recorded request's signature the way Robinhood describes it. */
export function signatureValid(req: RecordedRequest, publicKeyBase64: string): boolean {
  const key = createPublicKey({
    key: Buffer.concat([SPKI_PREFIX, Buffer.from(publicKeyBase64, 'base64')]),
    format: 'der',
    type: 'spki',
  });
  const message = `${String(req.headers['x-api-key'])}${String(req.headers['x-timestamp'])}${req.url}${req.method}${req.body}`;
  return verify(null, Buffer.from(message), key, Buffer.from(String(req.headers['x-signature']), 'base64'));
}

// The reference's throwaway example credentials (robinhood-api.md §1.6).
export const DOC_SEED = 'xQnTJVeQLmw1/Mg2YimEViSpw/SdJcgNXZ5kQkAXNPU=';
export const DOC_PUBLIC = 'jPItx4TLjcnSUnmnXQQyAKL4eJj3+oWNNMmmm2vATqk=';
export const DOC_API_KEY = 'rh-api-6148effc-c0b1-486c-8940-a1d099456be6';

export function orderJson(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: '0190d2a4-5e5b-7c1d-9a0e-3f3c2b1a0001',
    account_number: 'ACC123',
    symbol: 'BTC-USD',
    client_order_id: '2f6c1b9e-8a40-4d3f-9a51-0c7e5d2b1a11',
    side: 'buy',
    type: 'limit',
    state: 'open',
    average_price: null,
    filled_asset_quantity: '0.000000000000000000',
    executions: [],
    limit_order_config: { asset_quantity: '0.000100000000000000', limit_price: '36352.780000000000000000' },
    created_at: '2026-08-20T13:26:18.409035-04:00',
    updated_at: '2026-08-20T13:26:18.409035-04:00',
    fee_charged: 0.0,
    estimated_fee_remaining: 0.034535141,
    ...overrides,
  };
}
