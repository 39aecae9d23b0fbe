// Cancels requested and not yet confirmed by the venue, kept in the store's kv so that a restart sends them again
// instead of forgetting them (a cancel asked for while the submit was in flight would otherwise be lost with the
// process). A small map: only orders with a pending cancel. Writes are chained so that they land in order.
import { z } from 'zod';
import type { Clock } from '../core/clock.ts';
import { errorMessage } from '../core/errors.ts';
import type { Store } from '../persistence/store.ts';
import type { ExecutionLogger } from './types.ts';

export const PENDING_CANCELS_KEY = 'execution.pending_cancels';

const PendingCancelsSchema = z.record(
  z.string(),
  z.object({ requestedAt: z.number().int().nonnegative(), reason: z.string() }),
);

export interface SavedCancel {
  readonly requestedAt: number;
  readonly reason: string;
}

export class PendingCancelJournal {
  readonly #store: Pick<Store, 'getKv' | 'setKv'>;
  readonly #clock: Clock;
  readonly #log: ExecutionLogger;
  #last: Promise<void> = Promise.resolve();

  constructor(store: Pick<Store, 'getKv' | 'setKv'>, clock: Clock, log: ExecutionLogger) {
    this.#store = store;
    this.#clock = clock;
    this.#log = log;
  }

  /** What the last run left; an unreadable value is logged and ignored (the orders are reconciled anyway). */
  async load(): Promise<Map<string, SavedCancel>> {
    const saved = await this.#store.getKv(PENDING_CANCELS_KEY);
    if (saved === undefined) return new Map();
    const parsed = PendingCancelsSchema.safeParse(saved);
    if (!parsed.success) {
      this.#log.error(
        { key: PENDING_CANCELS_KEY, err: z.prettifyError(parsed.error) },
        'ignoring unreadable pending cancels',
      );
      return new Map();
    }
    return new Map(Object.entries(parsed.data));
  }

  /** Replaces the saved set. Never rejects: a failed write is logged (the cancel is still sent). */
  save(pending: Iterable<readonly [string, SavedCancel]>): Promise<void> {
    const value: Record<string, { requestedAt: number; reason: string }> = {};
    for (const [cid, p] of pending) value[cid] = { requestedAt: p.requestedAt, reason: p.reason };
    const at = this.#clock.now();
    this.#last = this.#last
      .then(() => this.#store.setKv(PENDING_CANCELS_KEY, value, at))
      .catch((err: unknown) => this.#log.error({ err: errorMessage(err) }, 'saving pending cancels failed'));
    return this.#last;
  }
}
