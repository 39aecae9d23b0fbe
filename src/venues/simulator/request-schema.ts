// Validation of order bodies with Django REST framework's wording (Robinhood's errors are DRF-shaped:
// "Must be a valid UUID.", "This field is required.", "\"x\" is not a valid choice."). Field paths in `attr` are
// dotted for nested config fields ("limit_order_config.limit_price").
import { isLosslessNumber, parse as parseLossless } from 'lossless-json';
import { z } from 'zod';
import { dec, type Decimal } from '../../core/decimal.ts';
import { validationError, validationErrors, type RhErrorItem, type SimApiError } from './errors.ts';
import { ORDER_TYPES, TIME_IN_FORCE, type ApiVersion, type OrderRequest } from './order.ts';

const REQUIRED = 'This field is required.';
const UUID_RE = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

const choice = (values: readonly string[]) =>
  z
    .string({ error: (iss) => (iss.input === undefined ? REQUIRED : 'Not a valid string.') })
    .refine((v) => values.includes(v), { error: (iss) => `"${String(iss.input)}" is not a valid choice.` });

const decimal = z
  .unknown()
  .refine((v) => v !== undefined && v !== null, { error: REQUIRED, abort: true })
  .transform((v, ctx): Decimal => {
    const text = isLosslessNumber(v) ? v.value : typeof v === 'string' ? v.trim() : undefined;
    if (text !== undefined && /^\d+(\.\d+)?$|^\.\d+$/.test(text)) return dec(text);
    ctx.addIssue({ code: 'custom', message: 'A valid number is required.' });
    return z.NEVER;
  });

const BodySchema = z.object({
  client_order_id: z
    .string({ error: (iss) => (iss.input === undefined ? REQUIRED : 'Must be a valid UUID.') })
    .regex(UUID_RE, { error: 'Must be a valid UUID.' }),
  side: choice(['buy', 'sell']),
  type: choice(ORDER_TYPES),
  symbol: z
    .string({ error: (iss) => (iss.input === undefined ? REQUIRED : 'Not a valid string.') })
    .regex(/^[A-Z0-9]+-[A-Z]+$/, { error: 'Symbol must be an uppercase pair such as BTC-USD.' }),
});

const ConfigSchema = z.object({
  asset_quantity: decimal.optional(),
  quote_amount: decimal.optional(),
  limit_price: decimal.optional(),
  stop_price: decimal.optional(),
  time_in_force: choice(TIME_IN_FORCE).optional(),
});

function issues(error: z.ZodError, prefix = ''): RhErrorItem[] {
  return error.issues.map((i) => ({
    detail: i.message,
    attr: prefix + (i.path.length > 0 ? i.path.map(String).join('.') : 'non_field_errors'),
  }));
}

/** Parses the raw body (lossless: bare numbers keep their exact text). Throws the 400 to send. */
export function parseJsonBody(body: Buffer): unknown {
  try {
    return parseLossless(body.toString('utf8'));
  } catch (err) {
    // A 400 is a validation_error (robinhood-api.md §7.3); a body error names no field.
    throw validationError(`JSON parse error - ${err instanceof Error ? err.message : String(err)}`, 'non_field_errors');
  }
}

export function parseOrderBody(raw: unknown, version: ApiVersion): OrderRequest {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw validationErrors([{ detail: 'Invalid data. Expected a dictionary.', attr: 'non_field_errors' }]);
  const base = BodySchema.safeParse(raw);
  const errors: RhErrorItem[] = base.success ? [] : issues(base.error);
  const typeValue = (raw as Record<string, unknown>)['type'];
  const type = ORDER_TYPES.find((t) => t === typeValue);
  if (type === undefined) throw fail(errors);
  const key = `${type}_order_config`;
  const configRaw = (raw as Record<string, unknown>)[key];
  if (typeof configRaw !== 'object' || configRaw === null || Array.isArray(configRaw)) {
    errors.push({ detail: configRaw === undefined ? REQUIRED : 'Invalid data. Expected a dictionary.', attr: key });
    throw fail(errors);
  }
  const config = ConfigSchema.safeParse(configRaw);
  if (!config.success) throw fail([...errors, ...issues(config.error, `${key}.`)]);
  const c = config.data;
  const need = (field: 'limit_price' | 'stop_price' | 'time_in_force'): void => {
    if (c[field] === undefined) errors.push({ detail: REQUIRED, attr: `${key}.${field}` });
  };
  if (c.asset_quantity !== undefined && c.quote_amount !== undefined)
    errors.push({ detail: 'Only one of asset_quantity or quote_amount can be present.', attr: key });
  if (type === 'market' && c.quote_amount !== undefined)
    errors.push({ detail: 'Market orders can only be sized with asset_quantity.', attr: `${key}.quote_amount` });
  else if (c.asset_quantity === undefined && c.quote_amount === undefined)
    errors.push({
      detail: type === 'market' ? REQUIRED : 'One of asset_quantity or quote_amount is required.',
      attr: type === 'market' ? `${key}.asset_quantity` : key,
    });
  if (type === 'limit' || type === 'stop_limit') need('limit_price');
  if (type === 'stop_loss' || type === 'stop_limit') need('stop_price');
  // v1's current schema has no time_in_force on limit orders; everywhere else it is part of the config.
  if (type !== 'market' && !(type === 'limit' && version === 1)) need('time_in_force');
  if (errors.length > 0 || !base.success) throw fail(errors);
  const b = base.data;
  return {
    symbol: b.symbol,
    clientOrderId: b.client_order_id.toLowerCase(),
    side: b.side as 'buy' | 'sell',
    type,
    ...(c.asset_quantity === undefined ? {} : { assetQuantity: c.asset_quantity }),
    ...(c.quote_amount === undefined ? {} : { quoteAmount: c.quote_amount }),
    ...(c.limit_price === undefined || type === 'market' || type === 'stop_loss' ? {} : { limitPrice: c.limit_price }),
    ...(c.stop_price === undefined || type === 'market' || type === 'limit' ? {} : { stopPrice: c.stop_price }),
    ...(c.time_in_force === undefined || type === 'market'
      ? {}
      : { timeInForce: c.time_in_force as OrderRequest['timeInForce'] & string }),
  };
}

function fail(errors: RhErrorItem[]): SimApiError {
  return validationErrors(errors.length > 0 ? errors : [{ detail: 'Invalid data.', attr: 'non_field_errors' }]);
}
