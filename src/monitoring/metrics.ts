// Prometheus metrics on prom-client: the process's default metrics plus Sherwood's trading series. Counters move
// when the session reports events (recordApiRequest, recordOrder, recordFill); gauges are set from a DashboardSource
// on every scrape (update), so they never lag behind a pushed value.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { toNumber } from '../core/decimal.ts';
import type { ExecutionState } from '../execution/types.ts';
import type { OrderSide, OrderStatus } from '../model/order.ts';
import type { CircuitStatus, DashboardSource, DashboardStatus } from '../web/source.ts';

/** What the Robinhood transport's onResponse hook reports (RequestEvent). */
export interface ApiRequestReport {
  readonly endpoint: string;
  readonly method: string;
  /** Undefined when no HTTP answer arrived (network error, timeout): counted as status "error". */
  readonly status?: number | undefined;
  readonly durationMs?: number | undefined;
}

export interface OrderReport {
  readonly strategyId?: string | undefined;
  readonly side: OrderSide;
  readonly status: OrderStatus;
}

export interface MetricsOptions {
  /** Prefix of the trading series. Default 'sherwood_'. */
  readonly prefix?: string;
  /** Node's default process metrics (CPU, memory, event loop lag, GC). Default true. */
  readonly defaultMetrics?: boolean;
}

/** Gauge codes: 0 RUNNING, 1 REDUCING, 2 HALTED. */
export const STATE_CODE: Readonly<Record<ExecutionState, number>> = { RUNNING: 0, REDUCING: 1, HALTED: 2 };
/** Gauge codes: 0 closed, 1 half-open, 2 open. */
export const CIRCUIT_CODE: Readonly<Record<CircuitStatus['state'], number>> = { closed: 0, 'half-open': 1, open: 2 };

export class Metrics {
  readonly registry: Registry;
  readonly apiRequests: Counter<'endpoint' | 'status'>;
  readonly apiRequestDuration: Histogram<'endpoint' | 'method'>;
  readonly orders: Counter<'strategy' | 'side' | 'status'>;
  readonly fills: Counter;
  readonly orderDenials: Counter<'rule'>;
  readonly equity: Gauge;
  readonly drawdown: Gauge;
  readonly positions: Gauge<'symbol'>;
  readonly engineState: Gauge;
  readonly riskState: Gauge;
  readonly circuitState: Gauge<'group'>;
  readonly marketDataAge: Gauge<'symbol'>;
  readonly uptime: Gauge;
  readonly riskVarRatio: Gauge<'method' | 'confidence'>;
  readonly riskEsRatio: Gauge<'method' | 'confidence'>;
  readonly riskVarValue: Gauge<'method' | 'confidence'>;
  readonly riskEsValue: Gauge<'method' | 'confidence'>;
  /** Last cumulative denial count seen per rule, so the counter grows by the difference. */
  readonly #denialsSeen = new Map<string, number>();

  constructor(options: MetricsOptions = {}) {
    const p = options.prefix ?? 'sherwood_';
    this.registry = new Registry();
    const registers = [this.registry];
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
    this.apiRequests = new Counter({
      name: `${p}api_requests_total`,
      help: 'Venue API requests by endpoint and HTTP status ("error" when no answer arrived)',
      labelNames: ['endpoint', 'status'],
      registers,
    });
    this.apiRequestDuration = new Histogram({
      name: `${p}api_request_duration_seconds`,
      help: 'Venue API request duration',
      labelNames: ['endpoint', 'method'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.orders = new Counter({
      name: `${p}orders_total`,
      help: 'Order status changes by strategy, side and new status',
      labelNames: ['strategy', 'side', 'status'],
      registers,
    });
    this.fills = new Counter({ name: `${p}fills_total`, help: 'Fills booked', registers });
    this.orderDenials = new Counter({
      name: `${p}order_denials_total`,
      help: 'Orders denied by the risk engine, by rule',
      labelNames: ['rule'],
      registers,
    });
    this.equity = new Gauge({
      name: `${p}equity`,
      help: 'Account equity, marked to market (quote currency)',
      registers,
    });
    this.drawdown = new Gauge({ name: `${p}drawdown`, help: 'Fraction below the equity high-water mark', registers });
    this.positions = new Gauge({
      name: `${p}positions`,
      help: 'Open position quantity by symbol (asset units; negative = short)',
      labelNames: ['symbol'],
      registers,
    });
    this.engineState = new Gauge({
      name: `${p}engine_state`,
      help: 'Execution engine state: 0 RUNNING, 1 REDUCING, 2 HALTED',
      registers,
    });
    this.riskState = new Gauge({
      name: `${p}risk_state`,
      help: 'Risk state: 0 RUNNING, 1 REDUCING, 2 HALTED',
      registers,
    });
    this.circuitState = new Gauge({
      name: `${p}circuit_state`,
      help: 'Venue circuit breaker by endpoint group: 0 closed, 1 half-open, 2 open',
      labelNames: ['group'],
      registers,
    });
    this.marketDataAge = new Gauge({
      name: `${p}market_data_age_seconds`,
      help: 'Age of the newest quote by symbol',
      labelNames: ['symbol'],
      registers,
    });
    this.uptime = new Gauge({ name: `${p}uptime_seconds`, help: 'Time since the session started', registers });
    const varGauge = (name: string, help: string): Gauge<'method' | 'confidence'> =>
      new Gauge({ name: `${p}${name}`, help, labelNames: ['method', 'confidence'] as const, registers });
    this.riskVarRatio = varGauge('risk_var_ratio', 'One-day Value at Risk, fraction of equity (historical|parametric)');
    this.riskEsRatio = varGauge('risk_es_ratio', 'One-day Expected Shortfall, fraction of equity');
    this.riskVarValue = varGauge('risk_var_value', 'One-day Value at Risk in quote currency');
    this.riskEsValue = varGauge('risk_es_value', 'One-day Expected Shortfall in quote currency');
  }

  recordApiRequest(report: ApiRequestReport): void {
    const status = report.status === undefined ? 'error' : String(report.status);
    this.apiRequests.inc({ endpoint: report.endpoint, status });
    if (report.durationMs !== undefined) {
      this.apiRequestDuration.observe({ endpoint: report.endpoint, method: report.method }, report.durationMs / 1000);
    }
  }

  /** One order status change (the bus's 'order' events). */
  recordOrder(report: OrderReport): void {
    this.orders.inc({ strategy: report.strategyId ?? 'none', side: report.side, status: report.status });
  }

  recordFill(): void {
    this.fills.inc();
  }

  /** Sets the gauges (and catches up the denial counter) from the source; call before each scrape. */
  async update(source: DashboardSource): Promise<void> {
    const [status, portfolio] = await Promise.all([source.status(), source.portfolio()]);
    const account = portfolio.snapshot.account;
    this.equity.set(account.equity);
    this.drawdown.set(account.drawdown);
    // Reset so that closed positions and vanished symbols disappear instead of keeping their last value.
    this.positions.reset();
    for (const p of account.positions) this.positions.set({ symbol: p.symbol }, toNumber(p.quantity));
    this.engineState.set(STATE_CODE[status.engineState]);
    this.riskState.set(STATE_CODE[status.riskState]);
    this.circuitState.reset();
    for (const c of status.circuits) this.circuitState.set({ group: c.group }, CIRCUIT_CODE[c.state]);
    this.marketDataAge.reset();
    for (const f of status.feeds) {
      if (f.ageMs !== undefined) this.marketDataAge.set({ symbol: f.symbol }, f.ageMs / 1000);
    }
    this.uptime.set(status.uptimeMs / 1000);
    this.#updateVar(status.riskVar);
    for (const [rule, total] of Object.entries(status.riskDenials ?? {})) {
      const increase = total - (this.#denialsSeen.get(rule) ?? 0);
      if (increase > 0) this.orderDenials.inc({ rule }, increase);
      this.#denialsSeen.set(rule, total);
    }
  }

  /** VaR/ES gauges per method and confidence; cleared when there is no figure (no positions, no bars). */
  #updateVar(v: DashboardStatus['riskVar']): void {
    for (const g of [this.riskVarRatio, this.riskEsRatio, this.riskVarValue, this.riskEsValue]) g.reset();
    if (v === undefined) return;
    for (const f of v.figures) {
      const confidence = String(f.confidence);
      for (const [method, varRatio, esRatio] of [
        ['historical', f.historicalVar, f.historicalEs],
        ['parametric', f.parametricVar, f.parametricEs],
      ] as const) {
        const labels = { method, confidence };
        this.riskVarRatio.set(labels, varRatio);
        this.riskEsRatio.set(labels, esRatio);
        this.riskVarValue.set(labels, varRatio * v.value);
        this.riskEsValue.set(labels, esRatio * v.value);
      }
    }
  }

  /** The Prometheus text exposition. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
