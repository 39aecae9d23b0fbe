// The simulator's market over WebSocket, so that paper trading can use push instead of polling. Path
// `/_sim/ws/market`. Client → server: {"type":"subscribe","symbols":["BTC-USD"]} or {"type":"unsubscribe",...}.
// Server → client: {"type":"subscribed","symbols":[...]} (then the current quote of each), {"type":"quote",...} on
// every market tick that changed a subscribed symbol, {"type":"error","message":...} for a bad request.
// Prices and sizes are decimal strings, exact as the simulator holds them.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket, type RawData } from 'ws';
import { z } from 'zod';
import { toPlain } from '../../core/decimal.ts';
import type { MarketState, SimQuote } from './market.ts';

export const MARKET_WS_PATH = '/_sim/ws/market';

const ClientMessage = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('subscribe'), symbols: z.array(z.string().min(1).max(40)).min(1).max(200) }),
  z.strictObject({ type: z.literal('unsubscribe'), symbols: z.array(z.string().min(1).max(40)).min(1).max(200) }),
]);

export interface MarketStream {
  /** Pushes the quotes that changed since the last call to the clients subscribed to them. */
  broadcast(): void;
  readonly clientCount: number;
  close(): Promise<void>;
}

function quoteMessage(q: SimQuote, now: number): string {
  return JSON.stringify({
    type: 'quote',
    symbol: q.symbol,
    timestamp: now,
    market_time: q.marketTime,
    bid: toPlain(q.bid),
    ask: toPlain(q.ask),
    bid_size: toPlain(q.bidSize),
    ask_size: toPlain(q.askSize),
    seq: q.seq,
  });
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data as ArrayBuffer).toString('utf8');
}

/** Serves the market stream on `server`'s upgrade requests to MARKET_WS_PATH (other upgrades are refused). */
export function attachMarketStream(server: Server, market: MarketState, now: () => number): MarketStream {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  const subscriptions = new Map<WebSocket, Set<string>>();
  const lastSeq = new Map<string, number>();
  for (const s of market.symbols()) lastSeq.set(s, market.quote(s)?.seq ?? -1);

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== MARKET_WS_PATH) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  };
  server.on('upgrade', onUpgrade);

  const send = (ws: WebSocket, payload: string): void => {
    if (ws.readyState === ws.OPEN) ws.send(payload);
  };
  const error = (ws: WebSocket, message: string): void => send(ws, JSON.stringify({ type: 'error', message }));

  wss.on('connection', (ws: WebSocket) => {
    const subscribed = new Set<string>();
    subscriptions.set(ws, subscribed);
    ws.on('close', () => subscriptions.delete(ws));
    ws.on('error', () => ws.terminate());
    ws.on('message', (data: RawData) => {
      let body: unknown;
      try {
        body = JSON.parse(rawText(data));
      } catch {
        error(ws, 'message is not JSON');
        return;
      }
      const parsed = ClientMessage.safeParse(body);
      if (!parsed.success) {
        error(ws, `invalid message: ${z.prettifyError(parsed.error)}`);
        return;
      }
      const known = parsed.data.symbols.filter((s) => market.quote(s) !== undefined);
      const unknown = parsed.data.symbols.filter((s) => market.quote(s) === undefined);
      if (unknown.length > 0) error(ws, `unknown symbols: ${unknown.join(', ')}`);
      if (parsed.data.type === 'unsubscribe') {
        for (const s of known) subscribed.delete(s);
        send(ws, JSON.stringify({ type: 'unsubscribed', symbols: known }));
        return;
      }
      for (const s of known) subscribed.add(s);
      send(ws, JSON.stringify({ type: 'subscribed', symbols: [...subscribed] }));
      const t = now();
      for (const s of known) {
        const q = market.quote(s);
        if (q) send(ws, quoteMessage(q, t));
      }
    });
  });

  return {
    broadcast(): void {
      const t = now();
      const changed = new Map<string, string>();
      for (const s of market.symbols()) {
        const q = market.quote(s);
        if (!q || lastSeq.get(s) === q.seq) continue;
        lastSeq.set(s, q.seq);
        changed.set(s, quoteMessage(q, t));
      }
      if (changed.size === 0) return;
      for (const [ws, symbols] of subscriptions) {
        for (const [s, payload] of changed) if (symbols.has(s)) send(ws, payload);
      }
    },
    get clientCount(): number {
      return subscriptions.size;
    },
    close(): Promise<void> {
      server.off('upgrade', onUpgrade);
      for (const ws of subscriptions.keys()) ws.terminate();
      return new Promise((resolve) => wss.close(() => resolve()));
    },
  };
}
