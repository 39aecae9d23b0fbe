// RobinhoodClient: one typed method per endpoint of v1 and v2 (v2 by default). Every call goes through the
// circuit breaker of its endpoint group, the account's rate budget (by priority) and the transport; idempotent
// calls retry with back-off and fresh signatures, an order POST never does.
import { randomUUID } from 'node:crypto';
import type { Dispatcher } from 'undici';
import type { z } from 'zod';
import { dec, toPlain, type DecimalInput } from '../../core/decimal.ts';
import {
  ApiError,
  ConfigError,
  errorMessage,
  NetworkError,
  RateLimitError,
  ResponseValidationError,
  ServerError,
  TimeoutError,
  ValidationError,
} from '../../core/errors.ts';
import {
  CircuitBreaker,
  type CircuitBreakerOptions,
  type CircuitHealth,
  type EndpointGroup,
} from './circuit-breaker.ts';
import { OrderOutcomeUnknown } from './errors.ts';
import { RateBudget, type BucketOptions, type Priority, type RateBudgetState } from './rate-budget.ts';
import {
  cancelPath,
  checkSymbols,
  orderFilterParams,
  orderPath,
  PATHS,
  prepareOrder,
  targetOf,
  withQuery,
  ASSET_CODE_RE,
  type OrderFilters,
  type PlaceOrderRequest,
  type TimeInput,
} from './requests.ts';
import { backoffDelayMs, DEFAULT_RETRY, isRetryable, type RetryOptions } from './retry.ts';
import * as S from './schemas.ts';
import { createSigner, type Signer } from './signer.ts';
import { realTimers, sleep, type Timers } from './timers.ts';
import { Transport, wasNotSent, type HttpMethod, type RawResponse, type TransportHooks } from './transport.ts';
import type {
  ApiVersion,
  CancelResult,
  EstimateSide,
  Page,
  RobinhoodAccount,
  RobinhoodEstimate,
  RobinhoodHolding,
  RobinhoodOrder,
  RobinhoodQuote,
  RobinhoodTradingPair,
} from './types.ts';

export const DEFAULT_BASE_URL = 'https://trading.robinhood.com';

export interface RobinhoodClientOptions {
  apiKey?: string;
  /** Base64 Ed25519 seed (32 bytes) or seed+public key (64 bytes). */
  privateKey?: string;
  /** Instead of apiKey/privateKey. */
  signer?: Signer;
  baseUrl?: string;
  apiVersion?: ApiVersion;
  /** v2: skip discovery and use this account. */
  accountNumber?: string;
  timers?: Timers;
  /** Uniform [0, 1) for back-off jitter. */
  random?: () => number;
  newClientOrderId?: () => string;
  dispatcher?: Dispatcher;
  connections?: number;
  headersTimeoutMs?: number;
  bodyTimeoutMs?: number;
  hooks?: TransportHooks;
  /** Share one budget between every client of one account. */
  rateBudget?: RateBudget;
  bucket?: BucketOptions;
  retry?: RetryOptions;
  circuitBreaker?: Omit<CircuitBreakerOptions, 'timers'>;
  /** Guard against a server that never stops paginating. */
  maxPages?: number;
}

export interface ClientHealth {
  circuits: Record<EndpointGroup, CircuitHealth>;
  rateBudget: RateBudgetState;
}

export type PlaceOutcome =
  | { status: 'accepted'; order: RobinhoodOrder }
  | { status: 'rejected'; clientOrderId: string; error: ApiError | ValidationError }
  | { status: 'unknown'; clientOrderId: string; error: OrderOutcomeUnknown };

interface Call<T> {
  endpoint: string;
  group: EndpointGroup;
  priority: Priority;
  method: HttpMethod;
  target: string;
  body?: string;
  retry: boolean;
  parse: (res: RawResponse) => T;
}

export class RobinhoodClient {
  readonly apiVersion: ApiVersion;
  readonly #transport: Transport;
  readonly #timers: Timers;
  readonly #random: () => number;
  readonly #newId: () => string;
  readonly #budget: RateBudget;
  readonly #retry: Required<RetryOptions>;
  readonly #breakers: Record<EndpointGroup, CircuitBreaker>;
  readonly #maxPages: number;
  readonly #fixedAccountNumber: string | undefined;
  #accountNumber: Promise<string> | undefined;

  constructor(options: RobinhoodClientOptions) {
    const signer =
      options.signer ??
      (options.apiKey !== undefined && options.privateKey !== undefined
        ? createSigner(options.apiKey, options.privateKey)
        : undefined);
    if (!signer)
      throw new ConfigError('Robinhood credentials missing: give apiKey and privateKey', { field: 'apiKey' });
    this.apiVersion = options.apiVersion ?? 'v2';
    this.#timers = options.timers ?? realTimers;
    this.#random = options.random ?? Math.random;
    this.#newId = options.newClientOrderId ?? randomUUID;
    this.#transport = new Transport({
      baseUrl: options.baseUrl ?? DEFAULT_BASE_URL,
      signer,
      timers: this.#timers,
      ...(options.dispatcher && { dispatcher: options.dispatcher }),
      ...(options.connections !== undefined && { connections: options.connections }),
      ...(options.headersTimeoutMs !== undefined && { headersTimeoutMs: options.headersTimeoutMs }),
      ...(options.bodyTimeoutMs !== undefined && { bodyTimeoutMs: options.bodyTimeoutMs }),
      ...(options.hooks && { hooks: options.hooks }),
    });
    this.#budget =
      options.rateBudget ?? new RateBudget({ timers: this.#timers, ...(options.bucket && { bucket: options.bucket }) });
    this.#retry = { ...DEFAULT_RETRY, ...options.retry };
    const breaker = (name: EndpointGroup): CircuitBreaker =>
      new CircuitBreaker(name, { ...options.circuitBreaker, timers: this.#timers });
    this.#breakers = { trading: breaker('trading'), market_data: breaker('market_data'), account: breaker('account') };
    this.#maxPages = options.maxPages ?? 1000;
    this.#fixedAccountNumber = options.accountNumber;
  }

  get #paths(): (typeof PATHS)[ApiVersion] {
    return PATHS[this.apiVersion];
  }

  // ---- accounts ----

  /** v1: the account. v2: the API-tradable account (else the first), whose number the v2 calls send. */
  async getAccount(): Promise<RobinhoodAccount> {
    if (this.apiVersion === 'v1') {
      return this.#call(this.#get('v1.accounts', 'account', this.#paths.accounts, S.accountSchema));
    }
    const accounts = await this.getAccounts();
    const wanted = this.#fixedAccountNumber;
    const chosen = wanted
      ? accounts.find((a) => a.accountNumber === wanted)
      : (accounts.find((a) => a.isApiTradable === true) ?? accounts[0]);
    if (!chosen) {
      throw new ConfigError(
        wanted ? `account ${wanted} is not among this key's accounts` : 'this key has no accounts',
        {
          field: 'accountNumber',
          value: wanted,
        },
      );
    }
    return chosen;
  }

  async getAccounts(): Promise<RobinhoodAccount[]> {
    if (this.apiVersion === 'v1') return [await this.getAccount()];
    return this.#all('v2.accounts', 'account', 'account', this.#paths.accounts, S.accountPageSchema);
  }

  /** The account number v2 sends in the query; discovered once through the accounts endpoint. */
  async accountNumber(): Promise<string> {
    if (this.#fixedAccountNumber !== undefined) return this.#fixedAccountNumber;
    this.#accountNumber ??= this.getAccount().then(
      (a) => a.accountNumber,
      (err: unknown) => {
        this.#accountNumber = undefined; // let the next call try again
        throw err;
      },
    );
    return this.#accountNumber;
  }

  async #accountParam(): Promise<Array<readonly [string, string]>> {
    return this.apiVersion === 'v2' ? [['account_number', await this.accountNumber()]] : [];
  }

  // ---- trading pairs, holdings ----

  async getTradingPairs(symbols: readonly string[] = []): Promise<RobinhoodTradingPair[]> {
    checkSymbols(symbols);
    const target = withQuery(
      this.#paths.tradingPairs,
      symbols.map((s) => ['symbol', s] as const),
    );
    return this.#all(`${this.apiVersion}.trading_pairs`, 'account', 'account', target, S.tradingPairPageSchema);
  }

  async getHoldings(assetCodes: readonly string[] = []): Promise<RobinhoodHolding[]> {
    for (const code of assetCodes) {
      if (!ASSET_CODE_RE.test(code)) {
        throw new ValidationError(`asset code "${code}" is not uppercase like BTC`, {
          field: 'asset_code',
          value: code,
        });
      }
    }
    const params = [...(await this.#accountParam()), ...assetCodes.map((c) => ['asset_code', c] as const)];
    const target = withQuery(this.#paths.holdings, params);
    return this.#all(`${this.apiVersion}.holdings`, 'account', 'account', target, S.holdingPageSchema);
  }

  // ---- market data ----

  /** Best bid/ask per symbol (repeated `symbol=`). Quotes may be crossed (bid > ask). */
  async getBestBidAsk(symbols: readonly string[]): Promise<RobinhoodQuote[]> {
    checkSymbols(symbols);
    if (this.apiVersion === 'v2' && symbols.length === 0) {
      throw new ValidationError('v2 best bid/ask needs at least one symbol', { field: 'symbol' });
    }
    const target = withQuery(
      this.#paths.bestBidAsk,
      symbols.map((s) => ['symbol', s] as const),
    );
    const schema = this.apiVersion === 'v1' ? S.quotesV1Schema : S.quotesV2Schema;
    return this.#call(this.#get(`${this.apiVersion}.best_bid_ask`, 'market_data', target, schema, 'market_data'));
  }

  /** Estimated price for up to 10 quantities. For a buy ask with side 'ask'; for a sell, 'bid'. */
  async getEstimatedPrice(
    symbol: string,
    side: EstimateSide,
    quantities: readonly DecimalInput[],
  ): Promise<RobinhoodEstimate[]> {
    checkSymbols([symbol]);
    if (!['bid', 'ask', 'both'].includes(side)) {
      throw new ValidationError(`side "${String(side)}" must be bid, ask or both`, { field: 'side', value: side });
    }
    if (quantities.length < 1 || quantities.length > 10) {
      throw new ValidationError(`give 1 to 10 quantities, got ${quantities.length}`, { field: 'quantity' });
    }
    const quantity = quantities.map((q) => toPlain(dec(q))).join(',');
    const target = withQuery(this.#paths.estimatedPrice, [
      ['symbol', symbol],
      ['side', side],
      ['quantity', quantity],
    ]);
    return this.#call(
      this.#get(`${this.apiVersion}.estimated_price`, 'market_data', target, S.estimatesSchema, 'market_data'),
    );
  }

  // ---- orders ----

  /** Every order matching the filters, following `next` across all pages. */
  async listOrders(filters: OrderFilters = {}): Promise<RobinhoodOrder[]> {
    const orders: RobinhoodOrder[] = [];
    for await (const page of this.iterateOrderPages(filters)) orders.push(...page.results);
    return orders;
  }

  /** One page: the first for `filters`, or the page at `nextUrl` (an absolute `next` from a previous page). */
  async listOrdersPage(filters: OrderFilters = {}, nextUrl?: string): Promise<Page<RobinhoodOrder>> {
    const target = nextUrl !== undefined ? targetOf(nextUrl) : await this.#ordersTarget(filters);
    const page = await this.#call(
      this.#get(`${this.apiVersion}.orders.list`, 'trading', target, S.orderPageSchema, 'order_status'),
    );
    return this.apiVersion === 'v2' && filters.id !== undefined
      ? { ...page, results: page.results.filter((o) => o.id === filters.id) }
      : page;
  }

  async *iterateOrderPages(filters: OrderFilters = {}): AsyncGenerator<Page<RobinhoodOrder>> {
    let page = await this.listOrdersPage(filters);
    yield page;
    for (let n = 1; page.next !== null; n++) {
      this.#checkPageCount(n, 'orders');
      page = await this.listOrdersPage(filters, page.next);
      yield page;
    }
  }

  async #ordersTarget(filters: OrderFilters): Promise<string> {
    return withQuery(this.#paths.orders, [
      ...(await this.#accountParam()),
      ...orderFilterParams(this.apiVersion, filters),
    ]);
  }

  /**
   * Reconciliation after an unknown outcome: the order with this client_order_id created at or after
   * `createdAtStart` (take the attempt's time minus a margin), or null when there is none.
   */
  async findOrderByClientOrderId(clientOrderId: string, createdAtStart: TimeInput): Promise<RobinhoodOrder | null> {
    for await (const page of this.iterateOrderPages({ createdAtStart })) {
      const found = page.results.find((o) => o.clientOrderId === clientOrderId);
      if (found) return found;
    }
    return null;
  }

  async getOrder(id: string): Promise<RobinhoodOrder> {
    const target = withQuery(orderPath(this.apiVersion, id), await this.#accountParam());
    return this.#call(this.#get(`${this.apiVersion}.orders.get`, 'trading', target, S.orderSchema, 'order_status'));
  }

  /**
   * Places an order; never retried. A 4xx is a definite rejection (thrown as the mapped ApiError). When the outcome
   * is ambiguous (timeout, connection lost after sending, 5xx, 429, unreadable 2xx) throws OrderOutcomeUnknown with
   * the client_order_id: reconcile with findOrderByClientOrderId before deciding anything.
   */
  async placeOrder(request: PlaceOrderRequest): Promise<RobinhoodOrder> {
    const prepared = prepareOrder(request, this.#newId);
    const target = withQuery(this.#paths.orders, await this.#accountParam());
    const endpoint = `${this.apiVersion}.orders.place`;
    const sentAtMs = this.#timers.now();
    try {
      return await this.#call({
        endpoint,
        group: 'trading',
        priority: 'place',
        method: 'POST',
        target,
        body: prepared.body,
        retry: false,
        parse: (res) => S.parseResponse(S.orderSchema, res.text, endpoint),
      });
    } catch (err) {
      if (!isAmbiguous(err)) throw err;
      throw new OrderOutcomeUnknown(
        `order ${prepared.clientOrderId} outcome unknown (${(err as Error).message}); look it up before re-sending`,
        { clientOrderId: prepared.clientOrderId, sentAtMs, endpoint },
        err,
      );
    }
  }

  /** placeOrder as a value: accepted, rejected (definitely not placed) or unknown (reconcile). */
  async submitOrder(request: PlaceOrderRequest & { clientOrderId: string }): Promise<PlaceOutcome> {
    try {
      return { status: 'accepted', order: await this.placeOrder(request) };
    } catch (err) {
      if (err instanceof OrderOutcomeUnknown)
        return { status: 'unknown', clientOrderId: request.clientOrderId, error: err };
      if (err instanceof ApiError || err instanceof ValidationError) {
        return { status: 'rejected', clientOrderId: request.clientOrderId, error: err };
      }
      throw err;
    }
  }

  /**
   * Requests a cancel. Retried like a GET: cancelling twice cannot add exposure. The cancel settles later (about a
   * second): poll getOrder until the state is terminal.
   */
  async cancelOrder(id: string): Promise<CancelResult> {
    const endpoint = `${this.apiVersion}.orders.cancel`;
    return this.#call({
      endpoint,
      group: 'trading',
      priority: 'cancel',
      method: 'POST',
      target: cancelPath(this.apiVersion, id),
      retry: true,
      parse: (res): CancelResult => {
        const text = res.text.trim();
        // v2 answers with the order as JSON, v1 with a plain-text acknowledgement.
        if (text !== '' && (this.apiVersion === 'v2' || res.contentType.includes('json'))) {
          return { orderId: id, message: undefined, order: S.parseResponse(S.orderSchema, text, endpoint) };
        }
        return { orderId: id, message: res.text.trim(), order: undefined };
      },
    });
  }

  // ---- health, lifecycle ----

  health(): ClientHealth {
    return {
      circuits: {
        trading: this.#breakers.trading.health(),
        market_data: this.#breakers.market_data.health(),
        account: this.#breakers.account.health(),
      },
      rateBudget: this.#budget.state(),
    };
  }

  async close(): Promise<void> {
    await this.#transport.close();
  }

  // ---- plumbing ----

  #get<T extends z.ZodType>(
    endpoint: string,
    group: EndpointGroup,
    target: string,
    schema: T,
    priority: Priority = 'account',
  ): Call<z.output<T>> {
    return {
      endpoint,
      group,
      priority,
      method: 'GET',
      target,
      retry: true,
      parse: (res) => S.parseResponse(schema, res.text, endpoint),
    };
  }

  async #all<T>(
    endpoint: string,
    group: EndpointGroup,
    priority: Priority,
    firstTarget: string,
    schema: z.ZodType<Page<T>, unknown>,
  ): Promise<T[]> {
    const results: T[] = [];
    let target: string | undefined = firstTarget;
    for (let n = 0; target !== undefined; n++) {
      this.#checkPageCount(n, endpoint);
      const page: Page<T> = await this.#call(this.#get(endpoint, group, target, schema, priority));
      results.push(...page.results);
      target = page.next !== null ? targetOf(page.next) : undefined;
    }
    return results;
  }

  #checkPageCount(n: number, endpoint: string): void {
    if (n >= this.#maxPages) {
      throw new ResponseValidationError(`${endpoint}: more than ${this.#maxPages} pages; stopping`, {
        endpoint,
        path: 'next',
      });
    }
  }

  async #call<T>(call: Call<T>): Promise<T> {
    const breaker = this.#breakers[call.group];
    for (let attempt = 1; ; attempt++) {
      breaker.admit(call.endpoint);
      await this.#budget.acquire(call.priority);
      let res: RawResponse;
      try {
        res = await this.#transport.send({ ...call, attempt });
      } catch (err) {
        const status = err instanceof ApiError ? err.status : undefined;
        if (status === undefined || status >= 500) breaker.onFailure(errorMessage(err));
        else breaker.onSuccess(); // the server answered: it is up
        if (err instanceof RateLimitError) this.#budget.onRateLimited(err.retryAfterMs);
        else if (status !== undefined) this.#budget.onAnswered();
        if (!call.retry || !isRetryable(err) || attempt >= this.#retry.maxAttempts) throw err;
        await sleep(this.#timers, backoffDelayMs(attempt, this.#retry, this.#random, err));
        continue;
      }
      breaker.onSuccess();
      this.#budget.onAnswered();
      return call.parse(res);
    }
  }
}

/** Could the POST have been executed even though we have no readable answer? */
function isAmbiguous(err: unknown): boolean {
  if (err instanceof NetworkError) return !wasNotSent(err);
  if (err instanceof TimeoutError) return !wasNotSent(err);
  return err instanceof ServerError || err instanceof RateLimitError || err instanceof ResponseValidationError;
}
