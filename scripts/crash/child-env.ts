// What the parent hands the child trader through its environment, validated on arrival.
import { z } from 'zod';

export const SYMBOLS = ['BTC-USD', 'ETH-USD'] as const;

/** Tuned so that one child run (start-up + up to 1.5 s of trading) sees polls, cancels and settle windows. */
export const CHILD_TIMING = {
  pollIntervalMs: 100,
  cancelCheckMs: 300,
  /** An intent not found at the venue this long after it was recorded is failed (local simulator: no lag). */
  settleWindowMs: 1000,
  reconcileIntervalMs: 500,
} as const;

export const ChildEnvSchema = z.object({
  CRASH_URL: z.url(),
  CRASH_API_KEY: z.string().min(1),
  CRASH_PRIVATE_KEY: z.string().min(1),
  CRASH_ACCOUNT: z.string().min(1),
  CRASH_DB: z.string().min(1),
  CRASH_SEED: z.coerce.number().int(),
  /** 'trade' runs until killed; 'reconcile' reconciles, settles and exits without placing anything. */
  CRASH_MODE: z.enum(['trade', 'reconcile']),
});

export type ChildEnv = z.infer<typeof ChildEnvSchema>;

export function childEnv(env: ChildEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)]));
}
