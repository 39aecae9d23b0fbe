// Cursor pagination with absolute `next`/`previous` URLs (reference §3.4). The cursor is opaque to clients: here
// base64url JSON of the boundary item's key and the direction, so pages stay stable while new orders arrive.
import { clientError, validationError } from './errors.ts';

export interface Page<T> {
  readonly next: string | null;
  readonly previous: string | null;
  readonly results: T[];
}

interface Cursor {
  k: number;
  d: 'n' | 'p';
}

export const MAX_PAGE_SIZE = 1000;

function encode(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decode(text: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Partial<Cursor>;
    if (typeof c.k === 'number' && (c.d === 'n' || c.d === 'p')) return { k: c.k, d: c.d };
  } catch {
    // fall through
  }
  throw clientError(404, 'Invalid cursor');
}

export function pageSize(query: URLSearchParams, defaultSize: number, allowLimit: boolean): number {
  const raw = allowLimit ? query.get('limit') : null;
  if (raw === null || raw === '') return defaultSize;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw validationError('A valid integer is required.', 'limit');
  return Math.min(Number(raw), MAX_PAGE_SIZE);
}

/**
 * One page of `items`, given in display order with strictly monotonic keys (`descending` says which way).
 * `baseUrl` is the absolute origin; `path` the endpoint path; the other query parameters are kept in the links.
 */
export function paginate<T>(
  items: readonly T[],
  key: (item: T) => number,
  descending: boolean,
  query: URLSearchParams,
  limit: number,
  baseUrl: string,
  path: string,
): Page<T> {
  const cursorText = query.get('cursor');
  const after = (i: number, k: number): boolean => (descending ? key(items[i] as T) < k : key(items[i] as T) > k);
  let start = 0;
  let end = Math.min(items.length, limit);
  if (cursorText !== null && cursorText !== '') {
    const cursor = decode(cursorText);
    let boundary = items.length;
    for (let i = 0; i < items.length; i++) {
      const isAfter = after(i, cursor.k);
      if (cursor.d === 'n' ? isAfter : isAfter || key(items[i] as T) === cursor.k) {
        boundary = i;
        break;
      }
    }
    if (cursor.d === 'n') {
      start = boundary;
      end = Math.min(items.length, start + limit);
    } else {
      end = boundary;
      start = Math.max(0, end - limit);
    }
  }
  const results = items.slice(start, end);
  const link = (cursor: Cursor): string => {
    const params = new URLSearchParams(query);
    params.delete('cursor');
    params.append('cursor', encode(cursor));
    return `${baseUrl}${path}?${params.toString()}`;
  };
  const first = results[0];
  const last = results[results.length - 1];
  return {
    next: end < items.length && last !== undefined ? link({ k: key(last), d: 'n' }) : null,
    previous: start > 0 && first !== undefined ? link({ k: key(first), d: 'p' }) : null,
    results,
  };
}
