// The client side of the simulator's market stream (`/_sim/ws/market`, see docs/market-data.md): its message schema
// and mapper, and a ready WebSocketFeed for paper trading. Written from the protocol, not from the server's code.
import { z } from 'zod';
import type { Clock } from '../core/clock.ts';
import type { Random } from '../core/random.ts';
import type { MarketDataEvent } from './feed.ts';
import type { FeedSinks } from './feed.ts';
import { WebSocketFeed, type BackoffOptions } from './ws-feed.ts';

export const SIM_MARKET_WS_PATH = '/_sim/ws/market';

const decimalText = z.string().regex(/^-?\d+(\.\d+)?$/, 'a decimal string');

export const SimMarketMessage = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('quote'),
    symbol: z.string().min(1),
    timestamp: z.number().int().nonnegative(),
    market_time: z.number().optional(),
    bid: decimalText,
    ask: decimalText,
    bid_size: decimalText.optional(),
    ask_size: decimalText.optional(),
    seq: z.number().int().optional(),
  }),
  z.object({ type: z.literal('subscribed'), symbols: z.array(z.string()) }),
  z.object({ type: z.literal('unsubscribed'), symbols: z.array(z.string()) }),
  z.object({ type: z.literal('error'), message: z.string() }),
]);
export type SimMarketMessage = z.infer<typeof SimMarketMessage>;

export function mapSimMarketMessage(message: SimMarketMessage): readonly MarketDataEvent[] {
  if (message.type !== 'quote') return [];
  return [
    {
      type: 'quote',
      quote: {
        symbol: message.symbol,
        timestamp: message.timestamp,
        bid: Number(message.bid),
        ask: Number(message.ask),
        ...(message.bid_size === undefined ? {} : { bidSize: Number(message.bid_size) }),
        ...(message.ask_size === undefined ? {} : { askSize: Number(message.ask_size) }),
      },
    },
  ];
}

export interface SimMarketFeedOptions extends FeedSinks {
  /** The simulator's base URL (http://host:port) or the full ws:// URL of the stream. */
  readonly url: string;
  readonly clock: Clock;
  readonly random: Random;
  readonly symbols?: readonly string[];
  readonly heartbeatIntervalMs?: number;
  readonly heartbeatTimeoutMs?: number;
  readonly backoff?: BackoffOptions;
  readonly onError?: (error: Error) => void;
}

export function simMarketStreamUrl(url: string): string {
  if (url.startsWith('ws://') || url.startsWith('wss://')) return url;
  return url.replace(/^http/, 'ws').replace(/\/$/, '') + SIM_MARKET_WS_PATH;
}

export function createSimMarketFeed(options: SimMarketFeedOptions): WebSocketFeed<SimMarketMessage> {
  return new WebSocketFeed<SimMarketMessage>({
    ...options,
    name: 'simulator-market',
    url: simMarketStreamUrl(options.url),
    schema: SimMarketMessage,
    mapMessage: mapSimMarketMessage,
    subscribeMessage: (symbols) => ({ type: 'subscribe', symbols }),
    unsubscribeMessage: (symbols) => ({ type: 'unsubscribe', symbols }),
  });
}
