// The simulator's market: one current quote per pair, in exact decimals rounded to the pair's quote increment,
// stepped through tick sources (bars or real quotes) or set by hand. Pure: no clock, seeded randomness only.
import { dec, roundToIncrement, ZERO, type Decimal } from '../../core/decimal.ts';
// Halving by multiplication is exact and far cheaper than a 40-digit division.
const HALF = dec('0.5');
import type { Random } from '../../core/random.ts';
import type { SimPair } from './pairs.ts';
import type { RawTick, TickSource } from './quote-path.ts';

export interface SimQuote {
  readonly symbol: string;
  /** Market time of the tick (historical time when replaying). */
  readonly marketTime: number;
  readonly bid: Decimal;
  readonly ask: Decimal;
  readonly mid: Decimal;
  readonly bidSize: Decimal;
  readonly askSize: Decimal;
  /** Increases on every change, so an order fills at most once per quote. */
  readonly seq: number;
}

export interface SpreadModel {
  /** Full spread around the mid, in basis points. */
  baseSpreadBps: number;
  /** Extra spread per unit of bar range: spread += volatilityFactor * (high-low)/open in bps. */
  volatilityFactor: number;
  /** Quoted size when the source has none, in asset units per 1 USD of price: size = defaultSizeUsd / price. */
  defaultSizeUsd: number;
  /** Chance that a bar-driven quote comes out crossed by under 1.4 bps, as seen live. */
  crossedChance: number;
}

export const DEFAULT_SPREAD_MODEL: SpreadModel = {
  baseSpreadBps: 4,
  volatilityFactor: 0.05,
  defaultSizeUsd: 250_000,
  crossedChance: 0,
};

export type EndBehaviour = 'loop' | 'stop';

interface SymbolState {
  pair: SimPair;
  source?: TickSource;
  position: number;
  quote: SimQuote;
}

export class MarketState {
  readonly #symbols = new Map<string, SymbolState>();
  readonly #spread: SpreadModel;
  readonly #random: Random;
  readonly #end: EndBehaviour;
  #seq = 0;

  constructor(
    pairs: readonly SimPair[],
    initialPrices: Readonly<Record<string, number>>,
    random: Random,
    options: { spread?: Partial<SpreadModel>; end?: EndBehaviour } = {},
  ) {
    this.#spread = { ...DEFAULT_SPREAD_MODEL, ...options.spread };
    this.#random = random;
    this.#end = options.end ?? 'loop';
    for (const pair of pairs) {
      const price = initialPrices[pair.symbol] ?? 1;
      this.#symbols.set(pair.symbol, { pair, position: 0, quote: this.#fromMid(pair, 0, price, 0) });
    }
  }

  symbols(): string[] {
    return [...this.#symbols.keys()];
  }

  quote(symbol: string): SimQuote | undefined {
    return this.#symbols.get(symbol)?.quote;
  }

  /** Replays `source` for its symbol from its first tick. */
  setSource(source: TickSource): void {
    const state = this.#symbols.get(source.symbol);
    if (state === undefined || source.length === 0) return;
    state.source = source;
    state.position = 0;
    state.quote = this.#fromTick(state.pair, source.tickAt(0));
  }

  /** Market time per tick of the first replayed symbol, for the speed mapping. */
  tickIntervalMs(): number | undefined {
    for (const s of this.#symbols.values()) if (s.source !== undefined) return s.source.tickIntervalMs;
    return undefined;
  }

  /** Advances every replayed symbol by `ticks`; returns the symbols whose quote changed. */
  step(ticks = 1): string[] {
    const changed: string[] = [];
    for (const [symbol, s] of this.#symbols) {
      if (s.source === undefined) continue;
      let next = s.position + ticks;
      if (next >= s.source.length) {
        if (this.#end === 'stop') next = s.source.length - 1;
        else next %= s.source.length;
      }
      if (next === s.position) continue;
      s.position = next;
      s.quote = this.#fromTick(s.pair, s.source.tickAt(next));
      changed.push(symbol);
    }
    return changed;
  }

  /** Sets the mid by hand (spread from the model). Stops replay for the symbol. */
  setPrice(symbol: string, price: Decimal | string, size?: Decimal | string): SimQuote {
    const state = this.#require(symbol);
    delete state.source;
    const mid = dec(price);
    const quote = this.#fromMid(state.pair, state.quote.marketTime, Number(mid.toFixed()), 0);
    state.quote = size === undefined ? quote : { ...quote, bidSize: dec(size), askSize: dec(size) };
    return state.quote;
  }

  /**
   * Sets an exact quote by hand (may be crossed). Stops replay for the symbol. `size` is both sides' size unless
   * `askSize` gives the ask's own; without `size`, both sides keep the current ask size.
   */
  setQuote(
    symbol: string,
    bid: Decimal | string,
    ask: Decimal | string,
    size?: Decimal | string,
    askSize?: Decimal | string,
  ): SimQuote {
    const state = this.#require(symbol);
    delete state.source;
    const b = dec(bid);
    const a = dec(ask);
    const sz = size === undefined ? state.quote.askSize : dec(size);
    const previous = state.quote;
    state.quote = {
      symbol,
      marketTime: previous.marketTime,
      bid: b,
      ask: a,
      // The same bid and ask objects as before (a feed repeating its prices): the same mid.
      mid: b === a ? b : b === previous.bid && a === previous.ask ? previous.mid : b.plus(a).times(HALF),
      bidSize: sz,
      askSize: askSize === undefined ? sz : dec(askSize),
      seq: ++this.#seq,
    };
    return state.quote;
  }

  #require(symbol: string): SymbolState {
    const state = this.#symbols.get(symbol);
    if (state === undefined) throw new RangeError(`unknown symbol ${symbol}`);
    return state;
  }

  #fromTick(pair: SimPair, tick: RawTick): SimQuote {
    if (tick.bid !== undefined && tick.ask !== undefined) {
      const bid = roundToIncrement(dec(tick.bid), pair.quoteIncrement, 'half-even');
      const ask = roundToIncrement(dec(tick.ask), pair.quoteIncrement, 'half-even');
      const mid = (tick.bid + tick.ask) / 2;
      return {
        symbol: pair.symbol,
        marketTime: tick.timestamp,
        bid,
        ask,
        mid: bid.plus(ask).times(HALF),
        bidSize: this.#size(pair, tick.bidSize, mid),
        askSize: this.#size(pair, tick.askSize, mid),
        seq: ++this.#seq,
      };
    }
    const q = this.#fromMid(pair, tick.timestamp, tick.mid ?? 0, tick.volatility ?? 0);
    return tick.askSize === undefined
      ? q
      : {
          ...q,
          bidSize: this.#size(pair, tick.bidSize, tick.mid ?? 0),
          askSize: this.#size(pair, tick.askSize, tick.mid ?? 0),
        };
  }

  #fromMid(pair: SimPair, marketTime: number, mid: number, volatility: number): SimQuote {
    const spreadBps = this.#spread.baseSpreadBps + this.#spread.volatilityFactor * volatility * 10_000;
    let half = (mid * spreadBps) / 20_000;
    if (this.#spread.crossedChance > 0 && this.#random.chance(this.#spread.crossedChance)) {
      half = -(mid * (0.2 + 1.1 * this.#random.next())) / 20_000; // crossed by 0.2 to 1.3 bps
    }
    const midDec = dec(mid);
    const halfDec = dec(Math.abs(half));
    const sign = half >= 0;
    const bid = roundToIncrement(
      sign ? midDec.minus(halfDec) : midDec.plus(halfDec),
      pair.quoteIncrement,
      sign ? 'down' : 'up',
    );
    const ask = roundToIncrement(
      sign ? midDec.plus(halfDec) : midDec.minus(halfDec),
      pair.quoteIncrement,
      sign ? 'up' : 'down',
    );
    const size = this.#size(pair, undefined, mid);
    return {
      symbol: pair.symbol,
      marketTime,
      bid,
      ask,
      mid: bid.plus(ask).times(HALF),
      bidSize: size,
      askSize: size,
      seq: ++this.#seq,
    };
  }

  #size(pair: SimPair, size: number | undefined, price: number): Decimal {
    const raw = size !== undefined && size > 0 ? size : price > 0 ? this.#spread.defaultSizeUsd / price : 1;
    const rounded = roundToIncrement(dec(raw), pair.assetIncrement, 'down');
    return rounded.gt(ZERO) ? rounded : pair.assetIncrement;
  }
}
