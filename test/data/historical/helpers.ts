// Shared helpers for the historical-data tests: temp files, collecting streams, the shared data folder.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/** The real data sets beside the repository (CI has them; a fresh clone may not). */
export const SHARED_DATA_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/data');

export async function collect<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of stream) out.push(item);
  return out;
}

/** A temp folder for hand-made files; `cleanup()` removes it. */
export function tempDir(): { path: (name: string) => string; write: (name: string, text: string) => string; cleanup: () => void } {
  const dir = mkdtempSync(join(os.tmpdir(), 'sherwood-hist-'));
  return {
    path: (name) => join(dir, name),
    write: (name, text) => {
      const file = join(dir, name);
      writeFileSync(file, name.endsWith('.gz') ? gzipSync(text) : text);
      return file;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
