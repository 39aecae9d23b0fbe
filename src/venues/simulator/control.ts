// The control surface for tests and the paper trader, under /_sim/ (never one of Robinhood's paths). No auth:
// bind the simulator to 127.0.0.1.
import { z } from 'zod';
import { clientError, notFound, validationErrors } from './errors.ts';
import type { SimCredential } from './credentials.ts';
import { SimCredentialSchema } from './credentials.ts';
import type { RouteResponse } from './routes.ts';
import * as ser from './serialize.ts';

export interface ControlTarget {
  addAccount(credential: SimCredential): void;
  setBalance(accountNumber: string, buyingPower?: string, holdings?: Record<string, string>): void;
  step(ticks: number): void;
  setPrice(symbol: string, price: string, size?: string): void;
  setQuote(symbol: string, bid: string, ask: string, size?: string): void;
  /** Several quotes at one instant: all are set before anything is matched (no order sees half a market). */
  setQuotes(quotes: readonly QuoteUpdate[]): void;
  setFaults(spec: string): void;
  reset(): void;
  state(accountNumber?: string): ser.Json;
}

const num = z.union([z.string(), z.number()]).transform(String);
const QuoteUpdateSchema = z
  .object({ symbol: z.string(), price: num.optional(), bid: num.optional(), ask: num.optional(), size: num.optional() })
  .refine((q) => q.price !== undefined || (q.bid !== undefined && q.ask !== undefined), {
    message: 'Give price, or bid and ask.',
    path: ['price'],
  });
/** A hand-set quote: a mid (spread from the model) or an exact bid and ask. */
export type QuoteUpdate = z.output<typeof QuoteUpdateSchema>;
const Schemas = {
  balance: z.object({ buying_power: num.optional(), holdings: z.record(z.string(), num).optional() }),
  step: z.object({ ticks: z.number().int().min(1).max(1_000_000).default(1) }),
  price: z.object({
    symbol: z.string(),
    price: num.optional(),
    bid: num.optional(),
    ask: num.optional(),
    size: num.optional(),
  }),
  faults: z.object({ spec: z.string() }),
  quotes: z.object({ quotes: z.array(QuoteUpdateSchema).min(1).max(1000) }),
};

function parse<T>(schema: z.ZodType<T>, body: Buffer): T {
  let raw: unknown = {};
  if (body.length > 0) {
    try {
      raw = JSON.parse(body.toString('utf8'));
    } catch {
      throw clientError(400, 'JSON parse error');
    }
  }
  const r = schema.safeParse(raw);
  if (!r.success)
    throw validationErrors(
      r.error.issues.map((i) => ({ detail: i.message, attr: i.path.join('.') || 'non_field_errors' })),
    );
  return r.data;
}

const ok = (body: ser.Json, status = 200): RouteResponse => ({
  status,
  body: ser.toJson(body),
  contentType: 'application/json',
});

export function handleControl(
  target: ControlTarget,
  method: string,
  path: string,
  query: URLSearchParams,
  body: Buffer,
): RouteResponse {
  const balance = /^\/_sim\/accounts\/([^/]+)\/balance\/?$/.exec(path);
  if (method === 'GET' && /^\/_sim\/state\/?$/.test(path))
    return ok(target.state(query.get('account_number') ?? undefined));
  if (method === 'POST' && /^\/_sim\/accounts\/?$/.test(path)) {
    const cred = parse(SimCredentialSchema, body);
    target.addAccount(cred);
    return ok({ account_number: cred.account_number }, 201);
  }
  if (method === 'POST' && balance !== null) {
    const b = parse(Schemas.balance, body);
    target.setBalance(decodeURIComponent(balance[1] ?? ''), b.buying_power, b.holdings);
    return ok(target.state(decodeURIComponent(balance[1] ?? '')));
  }
  if (method === 'POST' && /^\/_sim\/market\/step\/?$/.test(path)) {
    target.step(parse(Schemas.step, body).ticks);
    return ok(target.state());
  }
  if (method === 'POST' && /^\/_sim\/market\/price\/?$/.test(path)) {
    const p = parse(Schemas.price, body);
    if (p.price !== undefined) target.setPrice(p.symbol, p.price, p.size);
    else if (p.bid !== undefined && p.ask !== undefined) target.setQuote(p.symbol, p.bid, p.ask, p.size);
    else throw validationErrors([{ detail: 'Give price, or bid and ask.', attr: 'price' }]);
    return ok(target.state());
  }
  if (method === 'POST' && /^\/_sim\/market\/quotes\/?$/.test(path)) {
    target.setQuotes(parse(Schemas.quotes, body).quotes);
    return ok(target.state());
  }
  if (method === 'POST' && /^\/_sim\/faults\/?$/.test(path)) {
    target.setFaults(parse(Schemas.faults, body).spec);
    return ok({ faults: parse(Schemas.faults, body).spec });
  }
  if (method === 'POST' && /^\/_sim\/reset\/?$/.test(path)) {
    target.reset();
    return ok(target.state());
  }
  throw notFound();
}
