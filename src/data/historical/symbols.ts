// Symbols: the files say `BTC_USDT`, `BTCUSDT`, `btcusdt`, `BTC/USDT` or `BTCUSD`; Sherwood says `BTC-USDT`.
import { DataError } from '../../core/errors.ts';
import type { ResolvedOptions } from './options.ts';

/** Quote currencies recognised at the end of a run-together symbol, longest first so USDT wins over USD. */
const QUOTES = ['FDUSD', 'USDT', 'USDC', 'BUSD', 'TUSD', 'USD', 'EUR', 'GBP', 'BTC', 'ETH', 'BNB'];
const QUOTE_SET = new Set(QUOTES);

/** `BTC_USDT`, `BTC/USDT`, `btcusdt`, `BTC-USDT` → `BTC-USDT`; undefined when no quote currency can be told. */
export function normalizeSymbol(raw: string): string | undefined {
  const s = raw.trim().toUpperCase();
  const split = /^([A-Z0-9]{1,20})[-_/:]([A-Z0-9]{2,10})$/.exec(s);
  if (split) return `${split[1]}-${split[2]}`;
  if (!/^[A-Z0-9]{3,24}$/.test(s)) return undefined;
  for (const quote of QUOTES) {
    if (s.endsWith(quote) && s.length - quote.length >= 2) return `${s.slice(0, -quote.length)}-${quote}`;
  }
  return undefined;
}

export function isQuoteCurrency(token: string): boolean {
  return QUOTE_SET.has(token.toUpperCase());
}

/** `BTC-USDT` → `BTC-USD`; other symbols unchanged. */
export function mapUsdtToUsd(symbol: string): string {
  return symbol.endsWith('-USDT') ? symbol.slice(0, -1) : symbol;
}

export function baseAsset(symbol: string): string {
  return symbol.split('-')[0] ?? symbol;
}

function sameCase(a: string, b: string): boolean {
  return (a === a.toUpperCase()) === (b === b.toUpperCase());
}

/** The symbol a file name tells: `BTC_USDT-1h.csv.gz`, `btcusdt_trades.csv.gz`, `Coinbase_BTCUSD_1h.csv`, `btc-perp-…`. */
export function symbolFromFileName(path: string): string | undefined {
  const name = (path.split(/[\\/]/).pop() ?? path).replace(/(\.(csv|json|gz|txt|feather|parquet))+$/i, '');
  const tokens = name.split(/[-_.\s]+/).filter((t) => t.length > 0);
  for (let i = 0; i + 1 < tokens.length; i++) {
    const base = tokens[i] ?? '';
    const quote = tokens[i + 1] ?? '';
    if (/^[A-Za-z0-9]{2,12}$/.test(base) && /[A-Za-z]/.test(base) && QUOTE_SET.has(quote.toUpperCase())) {
      if (sameCase(base, quote)) return `${base.toUpperCase()}-${quote.toUpperCase()}`;
    }
    if (quote.toUpperCase() === 'PERP' && /^[A-Za-z]{2,12}$/.test(base)) return `${base.toUpperCase()}-PERP`;
  }
  for (const token of tokens) {
    if (!/^([A-Z0-9]+|[a-z0-9]+)$/.test(token) || !/[A-Za-z]/.test(token) || token.length > 12) continue;
    const symbol = normalizeSymbol(token);
    if (symbol) return symbol;
  }
  return undefined;
}

/**
 * The symbol to put on the rows of a single-instrument file, from the options and what the file tells (`detected`).
 * A `symbol` option with another base asset than the file's is an error, not a rename.
 */
export function resolveSymbol(file: string, detected: string | undefined, options: ResolvedOptions): string {
  const wanted = options.symbol === undefined ? undefined : (normalizeSymbol(options.symbol) ?? options.symbol.toUpperCase());
  if (wanted !== undefined && detected !== undefined && baseAsset(wanted) !== baseAsset(detected)) {
    throw new DataError(`${file}: the file holds ${detected}, not ${options.symbol}`, { file, symbol: options.symbol });
  }
  // A bare asset ('BTC') only confirms the file's asset; the file's full symbol is kept.
  const symbol = wanted !== undefined && (wanted.includes('-') || detected === undefined) ? wanted : detected;
  if (symbol === undefined) {
    throw new DataError(`${file}: cannot tell the symbol from the file name or contents; pass the symbol option`, {
      file,
    });
  }
  return options.mapUsdtToUsd ? mapUsdtToUsd(symbol) : symbol;
}
