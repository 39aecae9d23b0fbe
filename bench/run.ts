// Benchmark runner: `npm run bench [name-filter]`. Each bench/*.bench.ts exports `run()`, which prints figures.
// Benchmarks never pass or fail on time; they report.
import { readdirSync } from 'node:fs';
import os from 'node:os';

interface BenchModule {
  run: () => Promise<void> | void;
}

const filter = process.argv[2];
const dir = new URL('.', import.meta.url);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => !filter || f.includes(filter))
  .sort();

const cpu = os.cpus()[0]?.model ?? 'unknown cpu';
console.log(
  `# Sherwood benchmarks — node ${process.version}, ${os.cpus().length} × ${cpu}, ${os.platform()} ${os.arch()}`,
);
for (const file of files) {
  console.log(`\n## ${file.replace('.bench.ts', '')}`);
  const mod = (await import(new URL(file, dir).href)) as BenchModule;
  await mod.run();
}
if (files.length === 0) console.log('no benchmarks matched');
