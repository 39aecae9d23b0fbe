// Reconciliation: the same code path at start-up and periodically. Loads local open orders, finds out from the venue
// what became of each one (by clientOrderId for intents whose outcome is unknown, by venue id for working orders),
// applies the venue's truth through the transition table, compares holdings changes with the sum of fills, and
// reports orders and holdings the bot did not make. What cannot be explained halts the engine instead of guessing.
import type { TimerHandle } from '../core/clock.ts';
import { dec, toPlain, ZERO, type Decimal } from '../core/decimal.ts';
import { errorMessage } from '../core/errors.ts';
import type { JsonValue } from '../persistence/store.ts';
import type { VenueOrderReport } from '../venues/venue-port.ts';
import type { ExecutionEngine } from './execution-engine.ts';
import { SILENT_LOGGER, type ExecutionLogger } from './types.ts';

export const HOLDINGS_BASELINE_KEY = 'execution.holdingsBaseline';

export interface ReconcilerOptions {
  readonly engine: ExecutionEngine;
  /** An intent not found at the venue this long after it was recorded is marked failed (ms). Default 60 000. */
  readonly settleWindowMs?: number;
  /** Look-ups ask for orders created since the intent's time minus this margin (ms). Default 60 000. */
  readonly lookupMarginMs?: number;
  /** How far back to look for orders the bot did not make (ms). Default 24 h. */
  readonly externalLookbackMs?: number;
  /** Orders the bot did not make: adopted (tracked as strategy 'external') or ignored (reported only). */
  readonly externalOrders?: 'ignore' | 'adopt';
  readonly logger?: ExecutionLogger;
}

export interface ExternalOrder {
  readonly venueOrderId: string;
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: string;
  readonly status: string;
  readonly filledQuantity: string;
  readonly action: 'adopted' | 'ignored';
}

export interface HoldingCheck {
  readonly asset: string;
  readonly baseline: string;
  readonly venue: string;
  /** venue − baseline. */
  readonly venueChange: string;
  /** Σ signed fills recorded since the baseline. */
  readonly localChange: string;
  /** Σ signed executions of ignored external orders since the baseline. */
  readonly externalChange: string;
  readonly difference: string;
  /** True when the difference is zero, or fills of a working order may still be arriving. */
  readonly explained: boolean;
}

export interface ReconciliationReport {
  readonly at: number;
  /** Intents (created/unknown) found at the venue and adopted with their fills. */
  readonly adopted: string[];
  /** Intents not found after the settle window: marked failed, never re-sent. */
  readonly failed: string[];
  /** Intents not found yet, still inside the settle window. */
  readonly awaiting: string[];
  /** Working orders whose status or fills changed. */
  readonly updated: string[];
  readonly externalOrders: ExternalOrder[];
  /** Holdings present when the baseline was taken (not made by the bot). */
  readonly externalHoldings: Array<{ asset: string; quantity: string }>;
  readonly holdings: HoldingCheck[];
  readonly problems: string[];
  readonly halted: boolean;
}

interface Baseline {
  at: number;
  holdings: Record<string, string>;
}

function signed(side: string, quantity: Decimal): Decimal {
  return side === 'buy' ? quantity : quantity.neg();
}

const assetOf = (symbol: string): string => symbol.split('-')[0] ?? symbol;

export class Reconciler {
  readonly #engine: ExecutionEngine;
  readonly #settleWindowMs: number;
  readonly #marginMs: number;
  readonly #lookbackMs: number;
  readonly #external: 'ignore' | 'adopt';
  readonly #log: ExecutionLogger;
  #timer: TimerHandle | undefined;
  #running = false;

  constructor(options: ReconcilerOptions) {
    this.#engine = options.engine;
    this.#settleWindowMs = options.settleWindowMs ?? 60_000;
    this.#marginMs = options.lookupMarginMs ?? 60_000;
    this.#lookbackMs = options.externalLookbackMs ?? 86_400_000;
    this.#external = options.externalOrders ?? 'ignore';
    this.#log = options.logger ?? SILENT_LOGGER;
  }

  /** Runs `run()` every `intervalMs` on the engine's clock (skipped while one is still running). */
  start(intervalMs: number): void {
    if (this.#timer !== undefined) return;
    this.#timer = this.#engine.clock.setInterval(intervalMs, () => {
      if (this.#running) return;
      this.run().catch((err: unknown) => this.#log.error({ err: errorMessage(err) }, 'reconciliation failed'));
    });
  }

  stop(): void {
    if (this.#timer !== undefined) this.#engine.clock.cancel(this.#timer);
    this.#timer = undefined;
  }

  async run(): Promise<ReconciliationReport> {
    this.#running = true;
    try {
      return await this.#run();
    } finally {
      this.#running = false;
    }
  }

  async #run(): Promise<ReconciliationReport> {
    const engine = this.#engine;
    const venue = engine.venue;
    const store = engine.store;
    const now = engine.clock.now();
    await engine.load();
    const report: ReconciliationReport = {
      at: now,
      adopted: [],
      failed: [],
      awaiting: [],
      updated: [],
      externalOrders: [],
      externalHoldings: [],
      holdings: [],
      problems: [],
      halted: false,
    };

    // One list covering every local open order (and recent external ones), plus everything still open at the venue.
    const open = engine.openOrders();
    const oldest = Math.min(now - this.#lookbackMs, ...open.map((o) => o.createdAt));
    const listed = await venue.listOrders({ createdSince: oldest - this.#marginMs });
    const stillOpen = await venue.listOrders({ states: ['submitted', 'open', 'partially_filled'] });
    const byClientId = new Map<string, VenueOrderReport>();
    const byVenueId = new Map<string, VenueOrderReport>();
    for (const r of [...listed, ...stillOpen]) {
      byClientId.set(r.clientOrderId, r);
      byVenueId.set(r.venueOrderId, r);
    }

    for (const order of open) {
      const cid = order.clientOrderId;
      let venueReport = byClientId.get(cid) ?? (order.id === undefined ? undefined : byVenueId.get(order.id));
      if (order.id === undefined) {
        // created (maybe never sent) or unknown: looked up by our id, never re-sent.
        if (venueReport !== undefined) {
          this.#collect(report, await engine.applyReport(venueReport, 'reconciliation: found by clientOrderId'), cid);
          report.adopted.push(cid);
        } else if (now - order.createdAt >= this.#settleWindowMs) {
          await engine.markFailed(
            cid,
            `not found at the venue ${now - order.createdAt}ms after the intent (settle window ${this.#settleWindowMs}ms); not re-sent`,
          );
          report.failed.push(cid);
        } else {
          report.awaiting.push(cid);
        }
        continue;
      }
      venueReport ??= await venue.getOrder(order.id);
      if (venueReport === undefined) {
        report.problems.push(`order ${cid} (venue id ${order.id}) is ${order.status} locally but unknown to the venue`);
        continue;
      }
      const result = await engine.applyReport(venueReport, 'reconciliation');
      if (result !== undefined && result.steps.length > 0) report.updated.push(cid);
      this.#collect(report, result, cid);
    }

    // Orders the bot did not make.
    const externalChanges = new Map<string, Decimal>();
    const baseline = await this.#baseline(now);
    for (const r of byVenueId.values()) {
      if (engine.isKnown(r.clientOrderId) || (await store.getOrder(r.clientOrderId)) !== undefined) continue;
      const action = this.#external;
      report.externalOrders.push({
        venueOrderId: r.venueOrderId,
        clientOrderId: r.clientOrderId,
        symbol: r.symbol,
        side: r.side,
        status: r.status,
        filledQuantity: toPlain(r.filledQuantity),
        action: action === 'adopt' ? 'adopted' : 'ignored',
      });
      if (action === 'adopt') {
        await engine.adoptExternal(r);
      } else {
        for (const f of r.executions) {
          if (f.timestamp < baseline.at) continue;
          const asset = assetOf(f.symbol);
          externalChanges.set(asset, (externalChanges.get(asset) ?? ZERO).plus(signed(f.side, f.quantity)));
        }
      }
    }

    await this.#checkHoldings(report, baseline, externalChanges);

    if (report.problems.length > 0) {
      const reason = `reconciliation: ${report.problems[0]}${report.problems.length > 1 ? ` (+${report.problems.length - 1} more)` : ''}`;
      await engine.halt(reason);
      (report as { halted: boolean }).halted = true;
    }
    await store.appendEvent({ type: 'Reconciliation', payload: summary(report), createdAt: now });
    this.#log.info(summary(report) as object, 'reconciliation done');
    return report;
  }

  #collect(
    report: ReconciliationReport,
    result: Awaited<ReturnType<ExecutionEngine['applyReport']>>,
    cid: string,
  ): void {
    if (result === undefined) return;
    for (const r of result.refused) report.problems.push(`order ${cid}: ${r}`);
    for (const p of result.problems) report.problems.push(p);
  }

  async #baseline(now: number): Promise<Baseline> {
    const store = this.#engine.store;
    const saved = await store.getKv(HOLDINGS_BASELINE_KEY);
    if (saved !== null && typeof saved === 'object' && !Array.isArray(saved) && typeof saved.at === 'number') {
      return { at: saved.at, holdings: (saved.holdings ?? {}) as Record<string, string> };
    }
    const account = await this.#engine.venue.getAccount();
    const holdings: Record<string, string> = {};
    for (const [asset, h] of account.holdings) holdings[asset] = toPlain(h.total);
    const baseline: Baseline = { at: now, holdings };
    await store.setKv(HOLDINGS_BASELINE_KEY, baseline as unknown as JsonValue, now);
    return baseline;
  }

  async #checkHoldings(
    report: ReconciliationReport,
    baseline: Baseline,
    externalChanges: ReadonlyMap<string, Decimal>,
  ): Promise<void> {
    const engine = this.#engine;
    const account = await engine.venue.getAccount();
    const localChanges = new Map<string, Decimal>();
    for (const f of await engine.store.listFills({ since: baseline.at })) {
      const asset = assetOf(f.symbol);
      localChanges.set(asset, (localChanges.get(asset) ?? ZERO).plus(signed(f.side, f.quantity)));
    }
    for (const [asset, quantity] of Object.entries(baseline.holdings)) {
      if (quantity !== '0') report.externalHoldings.push({ asset, quantity });
    }
    const working = new Set(engine.openOrders().map((o) => assetOf(o.symbol)));
    const assets = new Set([
      ...Object.keys(baseline.holdings),
      ...account.holdings.keys(),
      ...localChanges.keys(),
      ...externalChanges.keys(),
    ]);
    for (const asset of [...assets].sort()) {
      const base = baseline.holdings[asset] === undefined ? ZERO : dec(baseline.holdings[asset]);
      const current = account.holdings.get(asset)?.total ?? ZERO;
      const venueChange = current.minus(base);
      const local = localChanges.get(asset) ?? ZERO;
      const external = externalChanges.get(asset) ?? ZERO;
      const difference = venueChange.minus(local).minus(external);
      const explained = difference.eq(ZERO) || working.has(asset);
      report.holdings.push({
        asset,
        baseline: toPlain(base),
        venue: toPlain(current),
        venueChange: toPlain(venueChange),
        localChange: toPlain(local),
        externalChange: toPlain(external),
        difference: toPlain(difference),
        explained,
      });
      if (!explained) {
        report.problems.push(
          `${asset} holdings changed by ${toPlain(venueChange)} at the venue since the baseline, but the fills add up to ${toPlain(local.plus(external))}`,
        );
      }
    }
  }
}

function summary(report: ReconciliationReport): JsonValue {
  return {
    at: report.at,
    adopted: report.adopted,
    failed: report.failed,
    awaiting: report.awaiting,
    updated: report.updated,
    externalOrders: report.externalOrders.map((o) => ({ ...o })),
    externalHoldings: report.externalHoldings.map((h) => ({ ...h })),
    holdings: report.holdings.map((h) => ({ ...h })),
    problems: report.problems,
    halted: report.halted,
  };
}
