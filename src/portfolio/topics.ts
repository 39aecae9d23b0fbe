// The bus topics the portfolio reads and writes. Execution publishes fills on `fill` (FillReceived), market data feeds
// publish quotes and bars; the portfolio publishes position and equity events that risk, the journal and the web read.
import type { Bar, Quote } from '../model/market.ts';
import type { EquityUpdated, PositionEvent } from '../model/events.ts';
import type { Fill } from '../model/fill.ts';

export interface FillMessage {
  readonly fill: Fill;
  /** The strategy that owns the order; absent for fills the bot did not make. */
  readonly strategyId?: string;
}

export const PORTFOLIO_TOPICS = {
  /** In: a fill from execution (FillMessage). */
  fill: 'fill',
  /** In: a best bid/ask; the mid marks the symbol. */
  quote: 'data.quote',
  /** In: a closed bar; its close marks the symbol at the bar's close time. */
  bar: 'data.bar',
  /** Out: PositionOpened / PositionChanged / PositionClosed, for the account (no strategyId) and the strategy. */
  position: 'portfolio.position',
  /** Out: an equity point, for the account (no strategyId) and each strategy. */
  equity: 'portfolio.equity',
} as const;

// A type alias, not an interface: MessageBus<Topics> needs Topics to fit Record<string, unknown>.
export type PortfolioTopics = {
  fill: FillMessage;
  'data.quote': Quote;
  'data.bar': Bar;
  'portfolio.position': PositionEvent;
  'portfolio.equity': EquityUpdated;
};

type PortfolioTopic = keyof PortfolioTopics;

/** What the portfolio needs of a bus: the in-process MessageBus (with at least these topics) fits. */
export interface PortfolioBus {
  subscribe<K extends PortfolioTopic>(topic: K, handler: (message: PortfolioTopics[K]) => void): () => void;
  publish<K extends PortfolioTopic>(topic: K, message: PortfolioTopics[K]): void;
}

/** The mark a quote gives: the mid when both sides are priced, otherwise the side that is. */
export function quoteMark(quote: Quote): number | undefined {
  const bidOk = Number.isFinite(quote.bid) && quote.bid > 0;
  const askOk = Number.isFinite(quote.ask) && quote.ask > 0;
  if (bidOk && askOk) return (quote.bid + quote.ask) / 2;
  if (bidOk) return quote.bid;
  if (askOk) return quote.ask;
  return undefined;
}
