// The Robinhood-compatible simulator: public surface for the app, the CLI and tests.
export { startSimulator, type SimulatorHandle, type SimulatorOptions } from './server.ts';
export { MatchingEngine, DEFAULT_FILL_MODEL, type EngineOptions, type FillModel } from './engine.ts';
export { MarketState, DEFAULT_SPREAD_MODEL, type SimQuote, type SpreadModel } from './market.ts';
export { barTickSource, quoteTickSource, type RawTick, type TickSource } from './quote-path.ts';
export { defaultPairs, type SimPair } from './pairs.ts';
export { parseFaultSpec, type FaultConfig } from './faults.ts';
export {
  generateCredential,
  loadCredentialsFile,
  parseCredentials,
  type GeneratedCredential,
  type SimCredential,
} from './credentials.ts';
export type { SimOrder, SimOrderState, OrderRequest } from './order.ts';
