// `sherwood api …`: one command per Robinhood endpoint, for people and scripts (--json).
import { Command, CommanderError } from 'commander';
import { z } from 'zod';
import { isDecimal, toPlain, tryDec, ZERO } from '../../core/decimal.ts';
import { ConfigError, errorMessage, SherwoodError, ValidationError } from '../../core/errors.ts';
import { DEFAULT_BASE_URL, RobinhoodClient, type RobinhoodClientOptions } from '../../venues/robinhood/client.ts';
import { OrderOutcomeUnknown } from '../../venues/robinhood/errors.ts';
import { prepareOrder, type PlaceOrderRequest } from '../../venues/robinhood/requests.ts';
import type { RobinhoodOrder } from '../../venues/robinhood/types.ts';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Record<string, string | undefined>;
  /** Tests inject options (timers, dispatcher); the CLI uses the defaults. */
  clientOptions?: Partial<RobinhoodClientOptions>;
}

export const processIo: CliIo = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  env: process.env,
};

const globalsSchema = z.object({
  json: z.boolean().default(false),
  baseUrl: z.string().url('must be a URL like https://trading.robinhood.com').optional(),
  apiVersion: z.enum(['v1', 'v2'], 'must be v1 or v2').default('v2'),
  accountNumber: z.string().min(1).optional(),
});
type Globals = z.output<typeof globalsSchema>;

const FLAG_NAMES: Record<string, string> = {
  baseUrl: '--base-url',
  apiVersion: '--api-version',
  accountNumber: '--account-number',
  quantity: '--quantity',
  quoteAmount: '--quote-amount',
  limitPrice: '--limit-price',
  stopPrice: '--stop-price',
  tif: '--tif',
  clientOrderId: '--client-order-id',
};

/** Parses CLI values with zod; a failure names the flag (or argument) and the value, and exits 2. */
function parseArgs<T extends z.ZodType>(schema: T, values: unknown): z.output<T> {
  const result = schema.safeParse(values);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const key = String(issue.path[0] ?? 'value');
  const flag = FLAG_NAMES[key] ?? (key.length > 1 && /^[a-z]/.test(key) ? `--${key}` : key);
  const given = (values as Record<string, unknown>)[key];
  const shown = Array.isArray(given) ? given.join(' ') : given === undefined ? '(missing)' : JSON.stringify(given);
  throw new ValidationError(`${flag} ${shown}: ${issue.message}`, { flag, value: shown });
}

const decimalText = z.string().refine((v) => tryDec(v)?.gt(ZERO) === true, 'must be a positive decimal like 0.001');
const symbolText = z
  .string()
  .transform((s) => s.toUpperCase())
  .pipe(z.string().regex(/^[A-Z0-9]+-[A-Z0-9]+$/, 'must be a pair like BTC-USD'));
const assetText = z
  .string()
  .transform((s) => s.toUpperCase())
  .pipe(z.string().regex(/^[A-Z0-9]+$/, 'must be an asset code like BTC'));

/** JSON with decimals as exact strings. */
function toJson(value: unknown): string {
  return `${JSON.stringify(value, (_k, v: unknown) => (isDecimal(v) ? toPlain(v) : v), 2)}\n`;
}

function cell(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (isDecimal(value)) return toPlain(value);
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value) ?? '';
}

/** A plain aligned table; `columns` maps headings to fields. */
export function formatTable<T extends object>(rows: readonly T[], columns: Record<string, keyof T & string>): string {
  const headings = Object.keys(columns);
  const body = rows.map((row) => headings.map((h) => cell(row[columns[h]!])));
  const widths = headings.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return `${[line(headings), ...body.map(line)].join('\n')}\n`;
}

const ORDER_COLUMNS: Record<string, keyof RobinhoodOrder> = {
  ID: 'id',
  SYMBOL: 'symbol',
  SIDE: 'side',
  TYPE: 'type',
  STATE: 'state',
  FILLED: 'filledAssetQuantity',
  'AVG PRICE': 'averagePrice',
  CREATED: 'createdAt',
};

interface Context {
  io: CliIo;
  globals: Globals;
  /** Created on first use, after the arguments were validated. */
  readonly client: RobinhoodClient;
}

function clientFor(io: CliIo, globals: Globals): RobinhoodClient {
  const apiKey = io.env.ROBINHOOD_API_KEY;
  const privateKey = io.env.ROBINHOOD_PRIVATE_KEY;
  if (!apiKey) throw new ConfigError('ROBINHOOD_API_KEY is not set', { field: 'ROBINHOOD_API_KEY' });
  if (!privateKey) throw new ConfigError('ROBINHOOD_PRIVATE_KEY is not set', { field: 'ROBINHOOD_PRIVATE_KEY' });
  return new RobinhoodClient({
    apiKey,
    privateKey,
    baseUrl: globals.baseUrl ?? io.env.ROBINHOOD_BASE_URL ?? DEFAULT_BASE_URL,
    apiVersion: globals.apiVersion,
    ...(globals.accountNumber !== undefined && { accountNumber: globals.accountNumber }),
    ...io.clientOptions,
  });
}

function action(io: CliIo, run: (ctx: Context, ...args: unknown[]) => Promise<void>) {
  return async (...args: unknown[]): Promise<void> => {
    const cmd = args[args.length - 1] as Command;
    const globals = parseArgs(globalsSchema, cmd.optsWithGlobals());
    let client: RobinhoodClient | undefined;
    const ctx: Context = {
      io,
      globals,
      get client() {
        client ??= clientFor(io, globals);
        return client;
      },
    };
    try {
      await run(ctx, ...args);
    } finally {
      await client?.close();
    }
  };
}

const ORDER_FLAGS: Record<string, string> = {
  assetQuantity: '--quantity',
  quoteAmount: '--quote-amount',
  limitPrice: '--limit-price',
  stopPrice: '--stop-price',
  timeInForce: '--tif',
};

/** Checks the order's combination of flags before anything is sent, naming the flag. */
function checkOrderFlags(request: PlaceOrderRequest): void {
  try {
    prepareOrder(request, () => request.clientOrderId ?? '');
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    const field = String(err.details.field);
    const flag = ORDER_FLAGS[field] ?? `--${field}`;
    throw new ValidationError(err.message.replace(`order ${field}`, flag), { ...err.details, flag });
  }
}

function print(ctx: Context, data: unknown, table: () => string): void {
  ctx.io.stdout(ctx.globals.json ? toJson(data) : table());
}

export function buildApiCommand(io: CliIo): Command {
  const api = new Command('api')
    .description('Call the Robinhood Crypto API (credentials from ROBINHOOD_API_KEY and ROBINHOOD_PRIVATE_KEY)')
    .option('--json', 'machine-readable output (decimals as exact strings)')
    .option('--base-url <url>', `API origin (env ROBINHOOD_BASE_URL, default ${DEFAULT_BASE_URL})`)
    .option('--api-version <v>', 'v1 or v2', 'v2')
    .option('--account-number <n>', 'v2: use this account instead of discovering the API-tradable one');

  api
    .command('account')
    .description('the trading account: buying power, fee tier')
    .action(
      action(io, async (ctx) => {
        const account = await ctx.client.getAccount();
        print(ctx, account, () =>
          formatTable([{ ...account, feeRatio: account.feeTierStatus?.feeRatio }], {
            ACCOUNT: 'accountNumber',
            STATUS: 'status',
            'BUYING POWER': 'buyingPower',
            CURRENCY: 'buyingPowerCurrency',
            'API TRADABLE': 'isApiTradable',
            'FEE RATIO': 'feeRatio',
          }),
        );
      }),
    );

  api
    .command('holdings [assets...]')
    .description('holdings, optionally for some asset codes (BTC ETH)')
    .action(
      action(io, async (ctx, assets) => {
        const codes = parseArgs(z.object({ asset: z.array(assetText) }), { asset: assets ?? [] }).asset;
        const holdings = await ctx.client.getHoldings(codes);
        print(ctx, holdings, () =>
          formatTable(holdings, {
            ASSET: 'assetCode',
            TOTAL: 'totalQuantity',
            AVAILABLE: 'quantityAvailableForTrading',
          }),
        );
      }),
    );

  api
    .command('pairs [symbols...]')
    .description('trading pairs and their increments')
    .action(
      action(io, async (ctx, symbols) => {
        const list = parseArgs(z.object({ symbol: z.array(symbolText) }), { symbol: symbols ?? [] }).symbol;
        const pairs = await ctx.client.getTradingPairs(list);
        print(ctx, pairs, () =>
          formatTable(pairs, {
            SYMBOL: 'symbol',
            STATUS: 'status',
            'API TRADABLE': 'isApiTradable',
            'QTY STEP': 'assetIncrement',
            'PRICE STEP': 'quoteIncrement',
            'MIN SIZE': 'minOrderSize',
            'MIN AMOUNT': 'minOrderAmount',
            'MAX SIZE': 'maxOrderSize',
          }),
        );
      }),
    );

  api
    .command('quotes <symbols...>')
    .description('best bid and ask (may be crossed)')
    .action(
      action(io, async (ctx, symbols) => {
        const list = parseArgs(z.object({ symbol: z.array(symbolText).min(1) }), { symbol: symbols }).symbol;
        const quotes = await ctx.client.getBestBidAsk(list);
        print(ctx, quotes, () => formatTable(quotes, { SYMBOL: 'symbol', BID: 'bid', ASK: 'ask', TIME: 'timestamp' }));
      }),
    );

  api
    .command('estimate <symbol> <side> <quantities...>')
    .description('estimated price for up to 10 quantities; side bid|ask|both (buy = ask, sell = bid)')
    .action(
      action(io, async (ctx, symbol, side, quantities) => {
        const args = parseArgs(
          z.object({
            symbol: symbolText,
            side: z.enum(['bid', 'ask', 'both', 'buy', 'sell'], 'must be bid, ask, both, buy or sell'),
            quantity: z.array(decimalText).min(1).max(10, 'at most 10 quantities'),
          }),
          { symbol, side, quantity: quantities },
        );
        const estimateSide = args.side === 'buy' ? 'ask' : args.side === 'sell' ? 'bid' : args.side;
        const rows = await ctx.client.getEstimatedPrice(args.symbol, estimateSide, args.quantity);
        print(ctx, rows, () =>
          formatTable(rows, {
            SYMBOL: 'symbol',
            SIDE: 'side',
            QTY: 'quantity',
            BID: 'bid',
            ASK: 'ask',
            PRICE: 'price',
            FEE: 'estFee',
            'TOTAL COST': 'estTotalCost',
            'TOTAL CREDIT': 'estTotalCredit',
          }),
        );
      }),
    );

  api
    .command('orders')
    .description('list orders (follows every page; --limit caps how many are shown)')
    .option('--state <state>', 'open|canceled|partially_filled|filled|failed|pending')
    .option('--symbol <symbol>', 'pair, e.g. BTC-USD')
    .option('--limit <n>', 'show at most N orders')
    .action(
      action(io, async (ctx, opts) => {
        const f = parseArgs(
          z.object({
            state: z
              .enum(['open', 'canceled', 'partially_filled', 'filled', 'failed', 'pending'], 'is not an order state')
              .optional(),
            symbol: symbolText.optional(),
            limit: z.coerce.number().int('must be a whole number').positive('must be positive').optional(),
          }),
          opts,
        );
        const orders: RobinhoodOrder[] = [];
        const filters = { ...(f.state && { state: f.state }), ...(f.symbol && { symbol: f.symbol }) };
        for await (const page of ctx.client.iterateOrderPages(filters)) {
          orders.push(...page.results);
          if (f.limit !== undefined && orders.length >= f.limit) break;
        }
        const shown = f.limit === undefined ? orders : orders.slice(0, f.limit);
        print(ctx, shown, () => formatTable(shown, ORDER_COLUMNS));
      }),
    );

  const order = api.command('order').description('get, place or cancel one order');
  order.command('get <id>').action(
    action(io, async (ctx, id) => {
      const o = await ctx.client.getOrder(
        parseArgs(z.object({ id: z.string().regex(/^[A-Za-z0-9-]+$/, 'is not an order id') }), { id }).id,
      );
      print(ctx, o, () => formatTable([o], ORDER_COLUMNS));
    }),
  );

  order
    .command('place')
    .description('place an order; the outcome is accepted, rejected, or unknown (exit 1: reconcile before retrying)')
    .requiredOption('--symbol <symbol>', 'pair, e.g. BTC-USD')
    .requiredOption('--side <side>', 'buy|sell')
    .requiredOption('--type <type>', 'market|limit|stop_loss|stop_limit')
    .option('--quantity <q>', 'size in asset units')
    .option('--quote-amount <a>', 'size in quote currency (not for market orders)')
    .option('--limit-price <p>', 'limit price (limit, stop_limit)')
    .option('--stop-price <p>', 'stop price (stop_loss, stop_limit)')
    .option('--tif <tif>', 'gtc|gfd|gfw|gfm (default gtc)')
    .option('--client-order-id <uuid>', 'idempotency id; generated when absent')
    .action(
      action(io, async (ctx, opts) => {
        const o = parseArgs(
          z.object({
            symbol: symbolText,
            side: z.enum(['buy', 'sell'], 'must be buy or sell'),
            type: z.enum(
              ['market', 'limit', 'stop_loss', 'stop_limit'],
              'must be market, limit, stop_loss or stop_limit',
            ),
            quantity: decimalText.optional(),
            quoteAmount: decimalText.optional(),
            limitPrice: decimalText.optional(),
            stopPrice: decimalText.optional(),
            tif: z.enum(['gtc', 'gfd', 'gfw', 'gfm'], 'must be gtc, gfd, gfw or gfm').optional(),
            clientOrderId: z.guid('must be a UUID').optional(),
          }),
          opts,
        );
        const clientOrderId = o.clientOrderId ?? crypto.randomUUID();
        const request: PlaceOrderRequest = {
          symbol: o.symbol,
          side: o.side,
          type: o.type,
          clientOrderId,
          ...(o.quantity !== undefined && { assetQuantity: o.quantity }),
          ...(o.quoteAmount !== undefined && { quoteAmount: o.quoteAmount }),
          ...(o.limitPrice !== undefined && { limitPrice: o.limitPrice }),
          ...(o.stopPrice !== undefined && { stopPrice: o.stopPrice }),
          ...(o.tif !== undefined && { timeInForce: o.tif }),
        };
        checkOrderFlags(request);
        ctx.io.stderr(`client_order_id ${clientOrderId}\n`); // printed first: needed to reconcile if the answer is lost
        const placed = await ctx.client.placeOrder(request).catch((err: unknown) => {
          if (err instanceof OrderOutcomeUnknown) {
            ctx.io.stderr(
              `order outcome UNKNOWN for client_order_id ${err.clientOrderId}: it may or may not have been placed.\n` +
                `  do not re-send blindly: look for it with \`sherwood api orders\` first\n`,
            );
          }
          throw err;
        });
        print(ctx, placed, () => formatTable([placed], ORDER_COLUMNS));
      }),
    );

  order
    .command('cancel <id>')
    .description('request a cancel (it settles asynchronously)')
    .action(
      action(io, async (ctx, id) => {
        const orderId = parseArgs(z.object({ id: z.string().regex(/^[A-Za-z0-9-]+$/, 'is not an order id') }), {
          id,
        }).id;
        const result = await ctx.client.cancelOrder(orderId);
        print(ctx, result, () =>
          result.order
            ? `cancel requested; order ${result.order.id} is ${result.order.state} (poll until canceled)\n`
            : `${result.message ?? 'cancel requested'}\n`,
        );
      }),
    );
  return api;
}

/** Runs `sherwood api …` without spawning; returns the exit code (2 bad input, 1 failed or unknown outcome). */
export async function runApiCommand(args: string[], io: CliIo): Promise<number> {
  const program = new Command('sherwood').exitOverride();
  program.configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  const api = buildApiCommand(io);
  program.addCommand(api);
  for (const c of [api, ...api.commands, ...api.commands.flatMap((c) => c.commands)]) {
    c.exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  }
  try {
    await program.parseAsync(['api', ...args], { from: 'user' });
    return 0;
  } catch (err) {
    return exitCodeFor(err, io);
  }
}

export function exitCodeFor(err: unknown, io: CliIo): number {
  if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
  io.stderr(`error: ${errorMessage(err)}\n`);
  if (err instanceof SherwoodError && (err.code === 'CONFIG_ERROR' || err.code === 'VALIDATION_ERROR')) return 2;
  return 1;
}

export function register(program: Command): void {
  program.addCommand(buildApiCommand(processIo));
}
