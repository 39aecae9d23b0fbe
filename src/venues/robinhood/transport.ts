// HTTP transport: one keep-alive undici Pool for the origin, signing with a fresh timestamp on every attempt,
// the body serialized once by the caller and exactly those bytes signed and sent, status → error mapping, and
// metric hooks.
import { Pool, type Dispatcher } from 'undici';
import { ApiError, ConfigError, NetworkError, TimeoutError } from '../../core/errors.ts';
import { errorForStatus, parseRetryAfter } from './errors.ts';
import type { Signer } from './signer.ts';
import type { Timers } from './timers.ts';
import { realTimers } from './timers.ts';

export type HttpMethod = 'GET' | 'POST';

export interface RequestEvent {
  endpoint: string;
  method: HttpMethod;
  attempt: number;
  /** Undefined when no HTTP answer arrived (network error, timeout). */
  status?: number | undefined;
  durationMs?: number | undefined;
  error?: ApiError | undefined;
}

export interface TransportHooks {
  onRequest?: (event: RequestEvent) => void;
  onResponse?: (event: RequestEvent) => void;
}

export interface TransportOptions {
  /** Origin only, e.g. https://trading.robinhood.com. */
  baseUrl: string;
  signer: Signer;
  timers?: Timers;
  /** Any undici dispatcher (e.g. MockAgent); default: a Pool for the origin. */
  dispatcher?: Dispatcher;
  /** Connection cap of the pool. */
  connections?: number;
  headersTimeoutMs?: number;
  bodyTimeoutMs?: number;
  keepAliveTimeoutMs?: number;
  hooks?: TransportHooks;
}

export interface RequestSpec {
  /** Stable name for metrics and errors, e.g. 'v2.orders.list'. */
  endpoint: string;
  method: HttpMethod;
  /** Path plus query exactly as sent and signed. */
  target: string;
  /** Serialized once by the caller; these bytes are signed and sent. */
  body?: string | undefined;
  attempt: number;
}

export interface RawResponse {
  status: number;
  contentType: string;
  text: string;
}

/** Errors that prove the request never left (nothing can have been placed). */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);

export function wasNotSent(err: unknown): boolean {
  return err instanceof ApiError && err.details.sent === false;
}

export function normalizeBaseUrl(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new ConfigError(`base URL "${baseUrl}" is not a URL`, { field: 'baseUrl', value: baseUrl });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError(`base URL "${baseUrl}" must be http or https`, { field: 'baseUrl', value: baseUrl });
  }
  if (url.pathname !== '/' || url.search !== '') {
    throw new ConfigError(`base URL "${baseUrl}" must be an origin without a path`, {
      field: 'baseUrl',
      value: baseUrl,
    });
  }
  return url.origin;
}

export class Transport {
  readonly origin: string;
  readonly #signer: Signer;
  readonly #timers: Timers;
  readonly #dispatcher: Dispatcher;
  readonly #ownsDispatcher: boolean;
  readonly #headersTimeoutMs: number;
  readonly #bodyTimeoutMs: number;
  readonly #hooks: TransportHooks;

  constructor(options: TransportOptions) {
    this.origin = normalizeBaseUrl(options.baseUrl);
    this.#signer = options.signer;
    this.#timers = options.timers ?? realTimers;
    this.#headersTimeoutMs = options.headersTimeoutMs ?? 10_000;
    this.#bodyTimeoutMs = options.bodyTimeoutMs ?? 10_000;
    this.#hooks = options.hooks ?? {};
    this.#ownsDispatcher = options.dispatcher === undefined;
    this.#dispatcher =
      options.dispatcher ??
      new Pool(this.origin, {
        connections: options.connections ?? 8,
        keepAliveTimeout: options.keepAliveTimeoutMs ?? 30_000,
        headersTimeout: this.#headersTimeoutMs,
        bodyTimeout: this.#bodyTimeoutMs,
      });
  }

  /** Signs and sends one attempt. Resolves only for 2xx; throws the mapped ApiError otherwise. */
  async send(spec: RequestSpec): Promise<RawResponse> {
    const { endpoint, method, target, body, attempt } = spec;
    const startMs = this.#timers.now();
    const headers = {
      ...this.#signer.sign({ timestamp: Math.floor(startMs / 1000), path: target, method, body }),
      'content-type': 'application/json; charset=utf-8',
      accept: 'application/json',
    };
    this.#hooks.onRequest?.({ endpoint, method, attempt });
    let status: number | undefined;
    try {
      const res = await this.#dispatcher.request({
        origin: this.origin,
        path: target,
        method,
        headers,
        body: body === undefined || body === '' ? null : body,
        headersTimeout: this.#headersTimeoutMs,
        bodyTimeout: this.#bodyTimeoutMs,
      });
      status = res.statusCode;
      const text = await res.body.text();
      const contentType = headerValue(res.headers['content-type']) ?? '';
      if (status < 200 || status > 299) {
        const retryAfterMs = parseRetryAfter(headerValue(res.headers['retry-after']), this.#timers.now());
        throw errorForStatus(status, text, { endpoint, method, retryAfterMs });
      }
      this.#hooks.onResponse?.({ endpoint, method, attempt, status, durationMs: this.#timers.now() - startMs });
      return { status, contentType, text };
    } catch (err) {
      const error = err instanceof ApiError ? err : transportError(err, endpoint, method, status);
      this.#hooks.onResponse?.({ endpoint, method, attempt, status, durationMs: this.#timers.now() - startMs, error });
      throw error;
    }
  }

  async close(): Promise<void> {
    if (this.#ownsDispatcher) await this.#dispatcher.close();
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function transportError(err: unknown, endpoint: string, method: string, status: number | undefined): ApiError {
  const code = typeof (err as { code?: unknown })?.code === 'string' ? (err as { code: string }).code : 'UNKNOWN';
  const reason = err instanceof Error ? err.message : String(err);
  const sent = !NOT_SENT_CODES.has(code);
  const details = { endpoint, method, code, sent, status };
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') {
    return new TimeoutError(`${method} ${endpoint} timed out (${code})`, details, { cause: err });
  }
  return new NetworkError(`${method} ${endpoint} failed: ${reason} (${code})`, details, { cause: err });
}
