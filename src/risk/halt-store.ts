// A drawdown halt outlives the process: it is written to the store's kv and read back at start-up, and only an
// explicit resume (`RiskEngine.resume()` or `sherwood resume` through `clearPersistedHalt`) removes it.
import { z } from 'zod';
import type { Store } from '../persistence/store.ts';

export const HALT_KEY = 'risk.halt';

export const PersistedHaltSchema = z.object({
  state: z.enum(['REDUCING', 'HALTED']),
  cause: z.enum(['drawdown', 'daily_loss']),
  reason: z.string(),
  peak: z.number(),
  since: z.number(),
});
export type PersistedHalt = z.infer<typeof PersistedHaltSchema>;

export type HaltStore = Pick<Store, 'getKv' | 'setKv' | 'deleteKv'>;

export async function readPersistedHalt(store: Pick<Store, 'getKv'>): Promise<PersistedHalt | undefined> {
  const value = await store.getKv(HALT_KEY);
  if (value === undefined) return undefined;
  return PersistedHaltSchema.parse(value);
}

export async function writePersistedHalt(store: Pick<Store, 'setKv'>, halt: PersistedHalt): Promise<void> {
  await store.setKv(HALT_KEY, { ...halt }, halt.since);
}

/** What `sherwood resume` does when no engine is running: forget the halt so the next start trades. */
export async function clearPersistedHalt(store: Pick<Store, 'deleteKv'>): Promise<void> {
  await store.deleteKv(HALT_KEY);
}
