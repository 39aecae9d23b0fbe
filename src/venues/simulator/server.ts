// startSimulator: the Robinhood-compatible HTTP server around the matching engine. This file is the edge: real
// time and timers live here (both injectable); the engine and market stay pure.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { KeyObject } from 'node:crypto';
import { toPlain } from '../../core/decimal.ts';
import { createRandom } from '../../core/random.ts';
import { authenticate, publicKeyFromBase64, type TimestampWindow } from './auth.ts';
import type { SimCredential } from './credentials.ts';
import { handleControl, type ControlTarget } from './control.ts';
import { loadSampleSources, loadTickSources } from './data-loader.ts';
import { MatchingEngine, THIRTY_DAYS_MS, type FillModel } from './engine.ts';
import { clientError, notFound, serverError, SimApiError } from './errors.ts';
import { decideFault, NO_FAULTS, parseFaultSpec, type FaultConfig } from './faults.ts';
import { buyingPower } from './ledger.ts';
import { MarketState, type EndBehaviour, type SpreadModel } from './market.ts';
import { attachMarketStream } from './market-ws.ts';
import { DEFAULT_PRICES, defaultPairs, type SimPair } from './pairs.ts';
import type { TickSource } from './quote-path.ts';
import { RateLimiter, type RateLimitOptions } from './rate-limit.ts';
import { matchRoute, type RouteResponse } from './routes.ts';
import { toJson, type Json } from './serialize.ts';

export interface SimulatorOptions {
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  /** Origin used in absolute `next`/`previous` links; default: from the request's Host header. */
  readonly publicUrl?: string;
  readonly accounts?: readonly SimCredential[];
  readonly seed?: number;
  /** Clock for auth, rate limits, order times and cancels (default Date.now). */
  readonly now?: () => number;
  readonly pairs?: readonly SimPair[];
  /** Market data: 'sample' (the shipped bars), 'none' (fixed prices, moved by the control surface), or file paths. */
  readonly data?: 'sample' | 'none' | readonly string[];
  /** Ready-made tick sources (tests), used instead of `data`. */
  readonly sources?: readonly TickSource[];
  readonly ticksPerBar?: number;
  /** Market time per wall time: 3600 replays an hourly bar per second. 0 = only step by hand. Default: one bar/s. */
  readonly speed?: number;
  readonly end?: EndBehaviour;
  readonly spread?: Partial<SpreadModel>;
  readonly initialPrices?: Readonly<Record<string, number>>;
  readonly faults?: FaultConfig | string;
  /** false disables rate limiting. */
  readonly rateLimit?: Partial<RateLimitOptions> | false;
  readonly cancelDelayMs?: number;
  /** Every API request is held this long (ms) before it is handled, as a network and gateway would. Default 0. */
  readonly latencyMs?: number;
  readonly fill?: Partial<FillModel>;
  readonly pageSize?: number;
  /** Offset of order timestamps (observed live: -04:00). */
  readonly utcOffsetMinutes?: number;
  readonly timestampWindow?: TimestampWindow;
  /** Serve /_sim/ (default true). */
  readonly control?: boolean;
}

export interface SimulatorHandle extends ControlTarget {
  readonly url: string;
  readonly port: number;
  readonly accounts: readonly SimCredential[];
  readonly engine: MatchingEngine;
  readonly market: MarketState;
  close(): Promise<void>;
}

interface KeyEntry {
  key: KeyObject;
  accountNumber: string;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, r: RouteResponse, headers: Record<string, string> = {}): void {
  res.writeHead(r.status, { 'content-type': r.contentType, 'content-length': Buffer.byteLength(r.body), ...headers });
  res.end(r.body);
}

function sendError(res: ServerResponse, err: SimApiError): void {
  send(
    res,
    { status: err.status, body: toJson(err.body as unknown as Json), contentType: 'application/json' },
    { ...err.headers },
  );
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<SimulatorHandle> {
  const now = options.now ?? Date.now;
  const seed = options.seed ?? 1;
  const pairs = options.pairs ?? defaultPairs();
  const market = new MarketState(pairs, { ...DEFAULT_PRICES, ...options.initialPrices }, createRandom(seed ^ 0x5eed), {
    ...(options.spread === undefined ? {} : { spread: options.spread }),
    ...(options.end === undefined ? {} : { end: options.end }),
  });
  const symbols = pairs.map((p) => p.symbol);
  const loadOptions = { symbols, ...(options.ticksPerBar === undefined ? {} : { ticksPerBar: options.ticksPerBar }) };
  const data = options.data ?? 'sample';
  const sources =
    options.sources ??
    (data === 'none'
      ? []
      : data === 'sample'
        ? await loadSampleSources(loadOptions)
        : await loadTickSources(data, loadOptions));
  for (const source of sources) market.setSource(source);

  let faults: FaultConfig =
    typeof options.faults === 'string' ? parseFaultSpec(options.faults) : (options.faults ?? NO_FAULTS);
  const baseCancelDelay = options.cancelDelayMs ?? 1000;
  const engine = new MatchingEngine({
    pairs,
    market,
    now,
    random: createRandom(seed),
    cancelDelayMs: faults.cancelDelayMs ?? baseCancelDelay,
    failOrderChance: faults.failOrders,
    volumeWindowMs: THIRTY_DAYS_MS,
    ...(options.fill === undefined ? {} : { fill: options.fill }),
  });
  const faultRandom = createRandom(seed ^ 0xfa17);
  const limiter = options.rateLimit === false ? undefined : new RateLimiter(options.rateLimit);
  const keys = new Map<string, KeyEntry>();
  const credentials: SimCredential[] = [];

  const addAccount = (c: SimCredential): void => {
    engine.addAccount({
      accountNumber: c.account_number,
      buyingPower: c.buying_power,
      ...(c.holdings === undefined ? {} : { holdings: c.holdings }),
      ...(c.fee_ratio === undefined ? {} : { feeRatio: c.fee_ratio }),
    });
    keys.set(c.api_key, { key: publicKeyFromBase64(c.public_key), accountNumber: c.account_number });
    credentials.push(c);
  };
  const initial = [...(options.accounts ?? [])];
  for (const c of initial) addAccount(c);

  const sockets = new Set<Socket>();
  const stepMarket = (ticks: number): void => {
    engine.step(ticks);
    marketStream.broadcast();
  };
  const control: ControlTarget = {
    addAccount,
    setBalance: (n, bp, holdings) => void engine.setBalance(n, bp, holdings),
    step: stepMarket,
    setPrice: (symbol, price, size) => {
      if (!engine.pairs.has(symbol)) throw notFound();
      market.setPrice(symbol, price, size);
      engine.process();
      marketStream.broadcast();
    },
    setQuote: (symbol, bid, ask, size) => {
      if (!engine.pairs.has(symbol)) throw notFound();
      market.setQuote(symbol, bid, ask, size);
      engine.process();
      marketStream.broadcast();
    },
    setQuotes: (quotes) => {
      // Every symbol is checked before any is set: a bad entry changes nothing.
      for (const q of quotes) if (!engine.pairs.has(q.symbol)) throw notFound();
      for (const q of quotes) {
        if (q.bid !== undefined && q.ask !== undefined) market.setQuote(q.symbol, q.bid, q.ask, q.size);
        else market.setPrice(q.symbol, q.price ?? '0', q.size);
      }
      engine.process();
      marketStream.broadcast();
    },
    setFaults: (spec) => {
      faults = parseFaultSpec(spec);
      engine.cancelDelayMs = faults.cancelDelayMs ?? baseCancelDelay;
      engine.failOrderChance = faults.failOrders;
    },
    reset: () => {
      engine.reset();
      keys.clear();
      credentials.length = 0;
      limiter?.reset();
      for (const c of initial) addAccount(c);
    },
    state: (accountNumber) => {
      engine.process();
      return {
        accounts: engine
          .accounts()
          .filter((a) => accountNumber === undefined || a.accountNumber === accountNumber)
          .map((a) => ({
            account_number: a.accountNumber,
            cash: toPlain(a.cash),
            buying_power: toPlain(buyingPower(a)),
            holdings: Object.fromEntries([...a.holdings].map(([k, v]) => [k, toPlain(v)])),
            orders: engine
              .orders(a.accountNumber)
              .map((o) => ({ id: o.id, state: o.state, filled: toPlain(o.filledQuantity) })),
          })),
        quotes: Object.fromEntries(
          market.symbols().map((s) => {
            const q = market.quote(s);
            return [s, q === undefined ? null : { bid: toPlain(q.bid), ask: toPlain(q.ask), size: toPlain(q.askSize) }];
          }),
        ),
      };
    },
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readBody(req);
    const target = req.url ?? '/';
    const method = (req.method ?? 'GET').toUpperCase();
    const q = target.indexOf('?');
    const path = q < 0 ? target : target.slice(0, q);
    const query = new URLSearchParams(q < 0 ? '' : target.slice(q + 1));
    try {
      if (path.startsWith('/_sim/') && options.control !== false) {
        send(res, handleControl(control, method, path, query, body));
        return;
      }
      const match = matchRoute(path);
      if (match === undefined) throw notFound();
      const handler = method === 'GET' || method === 'POST' ? match.route.methods[method] : undefined;
      if (handler === undefined) {
        const allow = Object.keys(match.route.methods).join(', ');
        throw clientError(405, `Method "${method}" not allowed.`, { allow });
      }
      const auth = authenticate(
        {
          apiKey: header(req, 'x-api-key'),
          timestamp: header(req, 'x-timestamp'),
          signature: header(req, 'x-signature'),
        },
        target,
        method,
        body,
        now(),
        (k) => keys.get(k)?.key,
        options.timestampWindow,
      );
      if ('error' in auth) throw auth.error;
      const entry = keys.get(auth.apiKey);
      const account = entry === undefined ? undefined : engine.account(entry.accountNumber);
      if (account === undefined) throw clientError(401, 'Authentication failed');
      const wait = limiter?.take(account.accountNumber, match.route.name, now()) ?? 0;
      if (wait > 0) throw throttled(wait);
      const isOrderPost = method === 'POST' && match.route.name.endsWith('orders');
      const fault = decideFault(faults, faultRandom, isOrderPost);
      if (fault.kind === 'drop') {
        req.socket.destroy();
        return;
      }
      if (fault.kind === '429') throw throttled(1);
      if (fault.kind === '5xx') throw serverError(fault.status);
      const delayMs = fault.delayMs + (options.latencyMs ?? 0);
      if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
      const host = req.headers.host ?? `${options.host ?? '127.0.0.1'}`;
      engine.process();
      const response = handler({
        engine,
        account,
        version: match.route.version,
        path,
        query,
        body,
        params: match.params,
        baseUrl: options.publicUrl?.replace(/\/$/, '') ?? `http://${host}`,
        pageSize: options.pageSize ?? 25,
        utcOffsetMinutes: options.utcOffsetMinutes ?? -240,
      });
      if (fault.kind === 'post-timeout') return; // the order exists; the client never hears of it
      send(res, response);
    } catch (err) {
      if (err instanceof SimApiError) sendError(res, err);
      else sendError(res, serverError(500));
    }
  };

  const server = createServer((req, res) => void handle(req, res));
  const marketStream = attachMarketStream(server, market, now); // WebSocket push of every market tick
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;

  // Replay: step the market on a timer; several ticks per timer when the speed asks for more than 100 a second.
  let timer: NodeJS.Timeout | undefined;
  const tickMs = market.tickIntervalMs();
  if (tickMs !== undefined) {
    const speed = options.speed ?? (tickMs * (options.ticksPerBar ?? 8)) / 1000;
    if (speed > 0) {
      const wallPerTick = tickMs / speed;
      const period = Math.max(10, wallPerTick);
      const ticksPerTimer = Math.max(1, Math.round(period / wallPerTick));
      timer = setInterval(() => stepMarket(ticksPerTimer), period);
      timer.unref();
    }
  }

  return {
    url,
    port: address.port,
    accounts: credentials,
    engine,
    market,
    ...control,
    close: async () => {
      if (timer !== undefined) clearInterval(timer);
      await marketStream.close();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function throttled(seconds: number): SimApiError {
  return clientError(429, `Request was throttled. Expected available in ${seconds} seconds.`, {
    'retry-after': String(seconds),
  });
}
