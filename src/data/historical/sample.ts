// The real data slice shipped in the repository's data/sample/ (see data/sample/README.md).
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mapUsdtToUsd, normalizeSymbol } from './symbols.ts';
import { intervalFromFileName } from './time.ts';

/** Absolute path of the repository's `data/sample/`. */
export const SAMPLE_DATA_DIR: string = resolve(dirname(fileURLToPath(import.meta.url)), '../../../data/sample');

export interface SampleBarFile {
  /** Already mapped to a dollar pair: `BTC_USDT-1h.csv.gz` → 'BTC-USD'. */
  readonly symbol: string;
  readonly path: string;
  readonly intervalMs: number;
}

/** The sample's bar files (`{BASE}_{QUOTE}-{interval}.csv.gz`), by symbol then interval. */
export function listSampleBarFiles(): SampleBarFile[] {
  if (!existsSync(SAMPLE_DATA_DIR)) return [];
  const files: SampleBarFile[] = [];
  for (const name of readdirSync(SAMPLE_DATA_DIR)) {
    const m = /^([A-Z0-9]+_[A-Z0-9]+)-\d+[mhdw]\.csv\.gz$/.exec(name);
    const pair = m?.[1] === undefined ? undefined : normalizeSymbol(m[1]);
    const intervalMs = intervalFromFileName(name);
    if (pair === undefined || intervalMs === undefined) continue;
    files.push({ symbol: mapUsdtToUsd(pair), path: join(SAMPLE_DATA_DIR, name), intervalMs });
  }
  return files.sort((a, b) => (a.symbol === b.symbol ? a.intervalMs - b.intervalMs : a.symbol < b.symbol ? -1 : 1));
}
