// Trading pairs the simulator lists. Only BTC-USD's increments were seen live (reference §5.4); the others are
// plausible values in the same style, chosen so that increments and minimums bite at realistic sizes.
import { dec, type Decimal } from '../../core/decimal.ts';

export type PairStatus = 'tradable' | 'untradable' | 'sellonly';

export interface SimPair {
  readonly symbol: string;
  readonly assetCode: string;
  readonly quoteCode: string;
  readonly assetIncrement: Decimal;
  readonly quoteIncrement: Decimal;
  /** Asset units (v1 lists it; v2 does not). */
  readonly minOrderSize: Decimal;
  readonly maxOrderSize: Decimal;
  /** USD, v2 only; absent on some live pairs. */
  readonly minOrderAmount?: Decimal;
  readonly status: PairStatus;
  readonly isApiTradable: boolean;
}

interface PairSpec {
  asset: string;
  assetIncrement: string;
  quoteIncrement: string;
  minOrderSize: string;
  maxOrderSize: string;
  minOrderAmount?: string;
  status?: PairStatus;
  isApiTradable?: boolean;
}

const SPECS: readonly PairSpec[] = [
  {
    asset: 'BTC',
    assetIncrement: '0.00000001',
    quoteIncrement: '0.01',
    minOrderSize: '0.000001',
    maxOrderSize: '20',
    minOrderAmount: '0.1',
  },
  {
    asset: 'ETH',
    assetIncrement: '0.000001',
    quoteIncrement: '0.01',
    minOrderSize: '0.0001',
    maxOrderSize: '400',
    minOrderAmount: '0.1',
  },
  {
    asset: 'SOL',
    assetIncrement: '0.000001',
    quoteIncrement: '0.001',
    minOrderSize: '0.001',
    maxOrderSize: '5000',
    minOrderAmount: '0.1',
  },
  {
    asset: 'XRP',
    assetIncrement: '0.01',
    quoteIncrement: '0.000001',
    minOrderSize: '0.1',
    maxOrderSize: '500000',
    minOrderAmount: '0.1',
  },
  { asset: 'DOGE', assetIncrement: '0.01', quoteIncrement: '0.000001', minOrderSize: '1', maxOrderSize: '5000000' },
  {
    asset: 'ADA',
    assetIncrement: '0.01',
    quoteIncrement: '0.000001',
    minOrderSize: '1',
    maxOrderSize: '1000000',
    minOrderAmount: '0.1',
  },
  // Tradable in the app but not through the API: exercises v2's is_api_tradable check.
  {
    asset: 'XLM',
    assetIncrement: '0.01',
    quoteIncrement: '0.000001',
    minOrderSize: '1',
    maxOrderSize: '2000000',
    isApiTradable: false,
  },
];

export function defaultPairs(): SimPair[] {
  return SPECS.map((s) => ({
    symbol: `${s.asset}-USD`,
    assetCode: s.asset,
    quoteCode: 'USD',
    assetIncrement: dec(s.assetIncrement),
    quoteIncrement: dec(s.quoteIncrement),
    minOrderSize: dec(s.minOrderSize),
    maxOrderSize: dec(s.maxOrderSize),
    ...(s.minOrderAmount === undefined ? {} : { minOrderAmount: dec(s.minOrderAmount) }),
    status: s.status ?? 'tradable',
    isApiTradable: s.isApiTradable ?? true,
  }));
}

/** Default prices for pairs without market data, so every listed pair can be quoted. */
export const DEFAULT_PRICES: Readonly<Record<string, number>> = {
  'BTC-USD': 65000,
  'ETH-USD': 2400,
  'SOL-USD': 150,
  'XRP-USD': 0.55,
  'DOGE-USD': 0.12,
  'ADA-USD': 0.4,
  'XLM-USD': 0.1,
};
