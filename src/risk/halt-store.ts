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

/**
 * The drawdown monitor's marks: the equity peak and the current day's starting equity. Saved when the peak has risen
 * by `PEAK_SAVE_STEP` since the last save or a new day began, so that a restart measures drawdown from the real peak
 * (to within that step) rather than from the equity it restarts with.
 */
export const MARKS_KEY = 'risk.marks';
export const PEAK_SAVE_STEP = 0.001;

export const PersistedMarksSchema = z.object({
  peak: z.number().positive(),
  day: z.number().int(),
  dayStartEquity: z.number(),
});
export type PersistedMarks = z.infer<typeof PersistedMarksSchema>;

export async function readPersistedMarks(store: Pick<Store, 'getKv'>): Promise<PersistedMarks | undefined> {
  const value = await store.getKv(MARKS_KEY);
  if (value === undefined) return undefined;
  const parsed = PersistedMarksSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined; // unreadable marks only cost the memory of a peak
}
