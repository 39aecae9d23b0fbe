// `npm run test:crash`: the SIGKILL crash test (see docs/execution.md, "Crash test"). Exit 0 when the venue and the
// store agree exactly, 1 with the differences otherwise.
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { runCrashTest, type CrashTestResult } from './crash-test.ts';

const { values } = parseArgs({
  options: {
    seed: { type: 'string' },
    kills: { type: 'string' },
    db: { type: 'string' },
    faults: { type: 'string' },
  },
});

const Options = z.object({
  seed: z.coerce.number().int().min(0).default(1),
  kills: z.coerce.number().int().min(1).max(1000).default(20),
  db: z.string().min(1).optional(),
  faults: z.string().optional(),
});
const parsed = Options.safeParse({
  seed: values.seed ?? process.env.CRASH_SEED,
  kills: values.kills ?? process.env.CRASH_KILLS,
  db: values.db ?? process.env.CRASH_DB,
  faults: values.faults ?? process.env.CRASH_FAULTS,
});
if (!parsed.success) {
  console.error(`test:crash: ${z.prettifyError(parsed.error)}`);
  process.exit(2);
}

function report(r: CrashTestResult): void {
  const startups = r.runs.flatMap((x) => (x.startup === undefined ? [] : [x.startup]));
  const sum = (k: 'adopted' | 'failed' | 'updated'): number => startups.reduce((a, s) => a + s[k], 0);
  const inStartup = r.runs.length - startups.length;
  console.log(`\ncrash test: ${r.kills} kills (${inStartup} inside start-up) in ${(r.durationMs / 1000).toFixed(1)} s`);
  console.log(`  venue orders: ${JSON.stringify(r.venueOrders)}`);
  console.log(`  local orders: ${JSON.stringify(r.localOrders)}`);
  console.log(`  order POSTs seen by the proxy: ${r.posts}; fills: ${r.fills}`);
  console.log(
    `  start-up reconciliations: adopted ${sum('adopted')}, failed ${sum('failed')}, updated ${sum('updated')}; final: ` +
      `adopted ${r.final.adopted}, failed ${r.final.failed}, state ${r.final.state}`,
  );
  for (const a of r.assets) {
    console.log(`  ${a.asset}: ${a.start} → ${a.end} (venue ${a.venueChange}, local fills ${a.localChange})`);
  }
  console.log(`  USD cash: venue ${r.cash.venueChange}, local fills and fees ${r.cash.localChange}`);
  if (r.ok) console.log('OK: every venue order known once, no client_order_id sent twice, holdings exact');
  else {
    console.log(`FAILED: ${r.problems.length} difference(s)`);
    for (const p of r.problems.slice(0, 50)) console.log(`  - ${p}`);
  }
}

try {
  const result = await runCrashTest({
    seed: parsed.data.seed,
    kills: parsed.data.kills,
    ...(parsed.data.db !== undefined && { db: parsed.data.db }),
    ...(parsed.data.faults !== undefined && { faults: parsed.data.faults }),
    log: (line) => console.log(line),
  });
  report(result);
  process.exit(result.ok ? 0 : 1);
} catch (err) {
  console.error(`test:crash failed to run: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
