// Time parsing for file rows (all UTC) and bar intervals from file names.

const MINUTE = 60_000;
const UNIT_MS: Record<string, number> = { s: 1000, m: MINUTE, h: 60 * MINUTE, d: 1440 * MINUTE, w: 7 * 1440 * MINUTE };

const TEXT_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(?:(Z)|([+-])(\d{2}):?(\d{2}))?$/;

/** `2021-12-31 23:01:00.000000`, `2025-05-20T00:00:00.000Z`, `2014-11-28` → epoch ms (UTC unless an offset is given). */
export function parseTimeText(text: string): number | undefined {
  const m = TEXT_TIME.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, , sign, oh, om] = m;
  const ms = frac === undefined ? 0 : Number(frac.padEnd(3, '0').slice(0, 3));
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h ?? 0);
  const minute = Number(mi ?? 0);
  const second = Number(s ?? 0);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return undefined;
  let t = Date.UTC(Number(y), month - 1, day, hour, minute, second, ms);
  if (new Date(t).getUTCDate() !== day) return undefined; // 2021-02-30 and the like
  if (sign !== undefined) t -= (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om)) * MINUTE;
  return t;
}

/** CryptoDataDownload hourly stamps: `2019-10-17 09-AM` → epoch ms (UTC). */
export function parseCddHour(text: string): number | undefined {
  const m = /^(\d{4}-\d{2}-\d{2}) (\d{2})-(AM|PM)$/.exec(text.trim());
  if (!m) return undefined;
  const day = parseTimeText(m[1] ?? '');
  const hour12 = Number(m[2]);
  if (day === undefined || hour12 < 1 || hour12 > 12) return undefined;
  const hour = (hour12 % 12) + (m[3] === 'PM' ? 12 : 0);
  return day + hour * 60 * MINUTE;
}

/**
 * An integer epoch by its digit count: ≤ 11 seconds, 12–14 milliseconds, 15–17 microseconds, 18–19 nanoseconds.
 * Long values are cut as text, so nanoseconds past 2^53 lose nothing that matters.
 */
export function parseEpochToMs(text: string): number | undefined {
  if (!/^\d{1,19}$/.test(text)) return undefined;
  const n = text.length;
  if (n <= 11) return Number(text) * 1000;
  if (n <= 14) return Number(text);
  if (n <= 17) return Number(text.slice(0, n - 3));
  return Number(text.slice(0, n - 6));
}

/** Nanoseconds as digits → whole milliseconds (floor), or undefined when not digits. */
export function nsTextToMs(text: string): number | undefined {
  if (!/^\d{7,19}$/.test(text)) return undefined;
  return Number(text.slice(0, text.length - 6));
}

/** A number column or a text date, whichever the cell holds. */
export function parseTimeCell(text: string): number | undefined {
  return parseEpochToMs(text) ?? parseTimeText(text);
}

/** `BTC_USDT-1h.csv.gz` → 3,600,000; `Coinbase_BTCUSD_d.csv` → 86,400,000; undefined when the name says nothing. */
export function intervalFromFileName(path: string): number | undefined {
  const name = path.split(/[\\/]/).pop() ?? path;
  const m = /(?:^|[-_.])(\d+)([smhdw])(?=$|[-_.])/.exec(name) ?? /(?:^|[-_])(d)(?=$|[-_.])/.exec(name);
  if (!m) return undefined;
  const count = m.length === 3 ? Number(m[1]) : 1;
  const unit = m.length === 3 ? m[2] : m[1];
  const ms = UNIT_MS[unit ?? ''];
  return ms === undefined || count <= 0 ? undefined : count * ms;
}

/** The inverse of the file-name interval: 3,600,000 → `1h`, 86,400,000 → `1d`; `unknown` when absent. */
export function intervalLabel(ms: number | undefined): string {
  if (ms === undefined) return 'unknown';
  for (const unit of ['w', 'd', 'h', 'm', 's']) {
    const size = UNIT_MS[unit] as number;
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

export function isoTime(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : String(ms);
}
