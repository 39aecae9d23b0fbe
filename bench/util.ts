// Small timing helpers shared by the benchmarks.
export interface BenchResult {
  name: string;
  ops: number;
  totalMs: number;
  opsPerSec: number;
  usPerOp: number;
}

/** Runs `fn` `iterations` times after a warm-up, and prints ops/s and µs/op. */
export async function measure(name: string, iterations: number, fn: (i: number) => unknown): Promise<BenchResult> {
  const warmup = Math.min(1000, Math.ceil(iterations / 10));
  for (let i = 0; i < warmup; i++) await fn(i);
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) await fn(i);
  const totalMs = Number(process.hrtime.bigint() - start) / 1e6;
  const result = {
    name,
    ops: iterations,
    totalMs,
    opsPerSec: (iterations / totalMs) * 1000,
    usPerOp: (totalMs * 1000) / iterations,
  };
  console.log(
    `${name.padEnd(48)} ${result.opsPerSec.toFixed(0).padStart(12)} ops/s ${result.usPerOp.toFixed(2).padStart(10)} µs/op  (${iterations} ops)`,
  );
  return result;
}
