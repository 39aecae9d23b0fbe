// Market data: the cache, feeds (Robinhood poller, historical replay, WebSocket), order books, bars, aggregation.
export { MarketDataCache, type BookView, type MarketView } from './cache.ts';
export {
  FeedPublisher,
  SymbolSet,
  type FeedSinks,
  type FeedState,
  type FeedStatus,
  type MarketDataBus,
  type MarketDataEvent,
  type MarketDataFeed,
  type MarketDataHandler,
  type MarketDataTopics,
} from './feed.ts';
export {
  BestBidAskPoller,
  intervalForBudget,
  type BestBidAskFetcher,
  type BestBidAskPollerOptions,
  type PollerStats,
} from './best-bid-ask-poller.ts';
export { HistoricalReplayFeed, type ReplayFeedOptions, type ReplaySource, type SpeedReplayOptions } from './replay-feed.ts';
export {
  WebSocketFeed,
  backoffDelay,
  MAX_MESSAGE_BYTES,
  type BackoffOptions,
  type WebSocketFeedOptions,
  type WebSocketFeedStats,
} from './ws-feed.ts';
export {
  SimMarketMessage,
  SIM_MARKET_WS_PATH,
  createSimMarketFeed,
  mapSimMarketMessage,
  simMarketStreamUrl,
  type SimMarketFeedOptions,
} from './sim-market-feed.ts';
export { BookSide } from './book-side.ts';
export { OrderBook, type ApplyResult, type BookGap, type BookStats, type BookSyncState } from './order-book.ts';
export { OrderBookManager, isDepthSnapshot, type OrderBookManagerOptions } from './book-manager.ts';
export { BarBuilder, type BarBuilderOptions, type BarBuilderStats } from './bar-builder.ts';
export {
  PriceAggregator,
  median,
  type AggregatedPrice,
  type AggregationMethod,
  type PriceAggregatorOptions,
  type SourcePrice,
} from './price-aggregator.ts';
