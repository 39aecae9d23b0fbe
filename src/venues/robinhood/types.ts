// Domain-ish shapes the Robinhood client returns: camelCase, exact Decimal money, timestamps kept as sent
// (Robinhood uses local offsets and up to 9 fractional digits) plus epoch milliseconds.
import type { Decimal } from '../../core/decimal.ts';

export type ApiVersion = 'v1' | 'v2';
export type Side = 'buy' | 'sell';
export type RobinhoodOrderType = 'market' | 'limit' | 'stop_loss' | 'stop_limit';
export type RobinhoodTimeInForce = 'gtc' | 'gfd' | 'gfw' | 'gfm';
/** Known order states; Robinhood may add others (v2 lists `pending`), which callers treat as non-terminal. */
export type RobinhoodOrderState = 'open' | 'pending' | 'partially_filled' | 'filled' | 'canceled' | 'failed';
export type EstimateSide = 'bid' | 'ask' | 'both';

export interface Page<T> {
  results: T[];
  next: string | null;
  previous: string | null;
}

export interface FeeTierStatus {
  feeRatio: Decimal | undefined;
  thirtyDayVolume: Decimal | undefined;
  nextFeeTierRatio: Decimal | null | undefined;
  nextFeeTierThreshold: Decimal | null | undefined;
}

export interface RobinhoodAccount {
  accountNumber: string;
  status: string;
  buyingPower: Decimal;
  buyingPowerCurrency: string;
  /** v2 only. */
  accountType: string | undefined;
  /** v2 only; true for the default account. */
  isApiTradable: boolean | undefined;
  feeTierStatus: FeeTierStatus | undefined;
}

export interface RobinhoodTradingPair {
  symbol: string;
  assetCode: string;
  quoteCode: string;
  assetIncrement: Decimal;
  quoteIncrement: Decimal;
  maxOrderSize: Decimal;
  /** v1: minimum size in asset units. */
  minOrderSize: Decimal | undefined;
  /** v2: minimum notional in quote currency; absent on some pairs. */
  minOrderAmount: Decimal | undefined;
  status: string;
  /** v2 only. */
  isApiTradable: boolean | undefined;
}

export interface RobinhoodHolding {
  accountNumber: string;
  assetCode: string;
  totalQuantity: Decimal;
  quantityAvailableForTrading: Decimal;
}

/** Best bid/ask. v1 rows carry spread-inclusive prices (bid/ask here) plus the mid and spreads. May be crossed. */
export interface RobinhoodQuote {
  symbol: string;
  bid: Decimal;
  ask: Decimal;
  timestamp: string | undefined;
  timestampMs: number | undefined;
  /** v1: mid of the spread-inclusive prices. */
  price: Decimal | undefined;
  buySpread: Decimal | undefined;
  sellSpread: Decimal | undefined;
}

export interface RobinhoodEstimate {
  symbol: string;
  side: string;
  quantity: Decimal;
  timestamp: string | undefined;
  /** v1 only: mid price. */
  price: Decimal | undefined;
  bid: Decimal | undefined;
  ask: Decimal | undefined;
  feeRatio: Decimal | undefined;
  estFee: Decimal | undefined;
  estTotalCost: Decimal | undefined;
  estTotalCredit: Decimal | undefined;
}

export interface RobinhoodExecution {
  effectivePrice: Decimal;
  quantity: Decimal;
  timestamp: string;
}

/** The `<type>_order_config` object echoed back (time_in_force is often not echoed). */
export interface RobinhoodOrderConfig {
  assetQuantity: Decimal | undefined;
  quoteAmount: Decimal | undefined;
  limitPrice: Decimal | undefined;
  stopPrice: Decimal | undefined;
  timeInForce: string | undefined;
}

export interface RobinhoodOrder {
  id: string;
  accountNumber: string | undefined;
  symbol: string;
  clientOrderId: string;
  side: Side;
  type: string;
  /** One of RobinhoodOrderState, or a state this client does not know (treat as non-terminal). */
  state: string;
  averagePrice: Decimal | null;
  filledAssetQuantity: Decimal;
  executions: RobinhoodExecution[];
  config: RobinhoodOrderConfig | undefined;
  createdAt: string;
  createdAtMs: number | undefined;
  updatedAt: string;
  updatedAtMs: number | undefined;
  /** v2 only. */
  feeCharged: Decimal | undefined;
  estimatedFeeRemaining: Decimal | undefined;
}

export interface CancelResult {
  orderId: string;
  /** v1: the plain-text acknowledgement. */
  message: string | undefined;
  /** v2: the order as it stood when the cancel was accepted (usually still `open`: cancels settle later). */
  order: RobinhoodOrder | undefined;
}
