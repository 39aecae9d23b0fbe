// Format detection from the header line (or the first JSON element), with the file name as a tie-breaker.
import { DataError } from '../../core/errors.ts';
import { readFirstLines, readHead } from './lines.ts';

export type DataKind = 'bars' | 'trades' | 'quotes' | 'depth';

export type FormatId =
  /** `timestamp,date,open,high,low,close,volume` (or any header naming a time column and open/high/low/close). */
  | 'ohlcv-csv'
  /** freqtrade `[[ms,o,h,l,c,v],...]`. */
  | 'freqtrade-ohlcv-json'
  /** freqtrade `[[ms,id,type,side,price,amount,cost],...]`. */
  | 'freqtrade-trades-json'
  /** CryptoDataDownload: optional banner line, `date,symbol,open,high,low,close,volume_X,volume`, often descending. */
  | 'cdd-ohlcv-csv'
  /** CryptoDataDownload multi-asset: `,BTC:open,…,BTC:volume,ETH:open,…`. */
  | 'cdd-multi-asset-csv'
  | 'hftbacktest-trades-csv'
  | 'hftbacktest-bbo-csv'
  | 'hftbacktest-depth-snapshot-csv'
  | 'hftbacktest-depth-updates-csv'
  | 'nautilus-trades-csv'
  | 'nautilus-quotes-csv';

export interface DetectedFormat {
  readonly format: FormatId;
  readonly kind: DataKind;
  /** 1-based line of the CSV header (2 when a banner comes first); 0 for JSON. */
  readonly headerLine: number;
}

const KIND: Record<FormatId, DataKind> = {
  'ohlcv-csv': 'bars',
  'freqtrade-ohlcv-json': 'bars',
  'freqtrade-trades-json': 'trades',
  'cdd-ohlcv-csv': 'bars',
  'cdd-multi-asset-csv': 'bars',
  'hftbacktest-trades-csv': 'trades',
  'hftbacktest-bbo-csv': 'quotes',
  'hftbacktest-depth-snapshot-csv': 'depth',
  'hftbacktest-depth-updates-csv': 'depth',
  'nautilus-trades-csv': 'trades',
  'nautilus-quotes-csv': 'quotes',
};

export function headerColumns(line: string): string[] {
  return line.split(',').map((c) => c.trim().toLowerCase());
}

/** Reads the first lines of `path` and tells its format. Throws DataError when it is none of the known ones. */
export async function detectFormat(path: string): Promise<DetectedFormat> {
  const head = await readHead(path, 4096);
  if (head.trimStart().startsWith('[')) return detectJson(path, head);
  const lines = await readFirstLines(path, 2);
  for (let i = 0; i < lines.length; i++) {
    const format = formatOfHeader(headerColumns(lines[i] ?? ''));
    if (format !== undefined) {
      // Only CryptoDataDownload files carry a banner line above the header.
      if (i === 1 && format !== 'cdd-ohlcv-csv') break;
      return { format, kind: KIND[format], headerLine: i + 1 };
    }
  }
  throw new DataError(`${path}: unrecognised data format (first line ${JSON.stringify((lines[0] ?? '').slice(0, 120))})`, {
    file: path,
  });
}

function formatOfHeader(cols: string[]): FormatId | undefined {
  const has = (...names: string[]): boolean => names.every((n) => cols.includes(n));
  if (cols.some((c) => /^[a-z0-9]+:open$/.test(c))) return 'cdd-multi-asset-csv';
  if (has('local_ts_ns', 'trade_id', 'price', 'qty')) return 'hftbacktest-trades-csv';
  if (has('local_ts_ns', 'bid_price', 'ask_price')) return 'hftbacktest-bbo-csv';
  if (has('local_ts_ns', 'last_update_id', 'side', 'level')) return 'hftbacktest-depth-snapshot-csv';
  if (has('local_ts_ns', 'first_update_id', 'final_update_id', 'side')) return 'hftbacktest-depth-updates-csv';
  if (has('timestamp_ms', 'trade_id', 'price', 'quantity')) return 'nautilus-trades-csv';
  if (has('timestamp_ms', 'ask', 'bid')) return 'nautilus-quotes-csv';
  if (has('date', 'symbol', 'open', 'high', 'low', 'close')) return 'cdd-ohlcv-csv';
  if (has('open', 'high', 'low', 'close') && (has('timestamp') || has('date') || has('time'))) return 'ohlcv-csv';
  return undefined;
}

function detectJson(path: string, head: string): DetectedFormat {
  const first = /^\s*\[\s*(\[[^\]]*\])/.exec(head);
  const nameSaysTrades = /trades/i.test(path.split(/[\\/]/).pop() ?? '');
  if (!first) {
    if (/^\s*\[\s*\]\s*$/.test(head)) {
      const format = nameSaysTrades ? 'freqtrade-trades-json' : 'freqtrade-ohlcv-json';
      return { format, kind: KIND[format], headerLine: 0 };
    }
    throw new DataError(`${path}: unrecognised JSON data (expected an array of arrays)`, { file: path });
  }
  let element: unknown;
  try {
    element = JSON.parse(first[1] ?? '');
  } catch {
    throw new DataError(`${path}: unrecognised JSON data (first element is not valid JSON)`, { file: path });
  }
  if (Array.isArray(element) && element.length === 6 && element.every((v) => typeof v === 'number')) {
    return { format: 'freqtrade-ohlcv-json', kind: 'bars', headerLine: 0 };
  }
  if (Array.isArray(element) && element.length === 7 && typeof element[0] === 'number') {
    return { format: 'freqtrade-trades-json', kind: 'trades', headerLine: 0 };
  }
  throw new DataError(`${path}: unrecognised JSON data (first element ${first[1]?.slice(0, 80)})`, { file: path });
}
