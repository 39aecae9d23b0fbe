// Streaming text input: plain or gzip (by the `.gz` extension), in batches of lines, never the whole file.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { pipeline, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { DataError, errorMessage } from '../../core/errors.ts';

/** Consecutive lines of a file; `firstLine` is the 1-based number of `lines[0]`. */
export interface LineBatch {
  readonly lines: readonly string[];
  readonly firstLine: number;
}

export function isGzipPath(path: string): boolean {
  return path.toLowerCase().endsWith('.gz');
}

async function assertReadableFile(path: string): Promise<void> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new DataError(`${path}: not a file`, { file: path });
  } catch (err) {
    if (err instanceof DataError) throw err;
    throw new DataError(`${path}: cannot open (${errorMessage(err)})`, { file: path }, { cause: err });
  }
}

/** UTF-8 text chunks of a file, gunzipped when the name ends in `.gz`. */
export async function* readTextChunks(path: string, chunkBytes = 1 << 20): AsyncGenerator<string> {
  await assertReadableFile(path);
  const file = createReadStream(path, { highWaterMark: chunkBytes });
  let source: Readable = file;
  if (isGzipPath(path)) {
    const gunzip = createGunzip({ chunkSize: chunkBytes });
    // Errors of either stream surface through the gunzip iterator; an early stop ends both.
    pipeline(file, gunzip, () => undefined);
    source = gunzip;
  }
  source.setEncoding('utf8');
  try {
    for await (const chunk of source as AsyncIterable<string>) yield chunk;
  } catch (err) {
    throw new DataError(`${path}: cannot read (${errorMessage(err)})`, { file: path }, { cause: err });
  } finally {
    source.destroy();
    file.destroy();
  }
}

/** Lines without their `\n` / `\r\n`, in batches (one per decoded chunk) to keep per-line overhead low. */
export async function* readLineBatches(path: string): AsyncGenerator<LineBatch> {
  let rest = '';
  let nextLine = 1;
  for await (const chunk of readTextChunks(path)) {
    const text = rest + chunk;
    const lines: string[] = [];
    let start = 0;
    let nl = text.indexOf('\n');
    while (nl !== -1) {
      const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      lines.push(text.slice(start, end));
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    rest = text.slice(start);
    if (lines.length > 0) {
      if (nextLine === 1) lines[0] = stripBom(lines[0] ?? '');
      yield { lines, firstLine: nextLine };
      nextLine += lines.length;
    }
  }
  if (rest.length > 0) {
    const last = rest.endsWith('\r') ? rest.slice(0, -1) : rest;
    yield { lines: [nextLine === 1 ? stripBom(last) : last], firstLine: nextLine };
  }
}

/** The first `count` lines (for format detection); stops reading early. */
export async function readFirstLines(path: string, count: number): Promise<string[]> {
  const out: string[] = [];
  for await (const batch of readLineBatches(path)) {
    for (const line of batch.lines) {
      out.push(line);
      if (out.length >= count) return out;
    }
  }
  return out;
}

/** The first `maxChars` characters (for format detection of JSON files); stops reading early. */
export async function readHead(path: string, maxChars: number): Promise<string> {
  let head = '';
  for await (const chunk of readTextChunks(path, 1 << 16)) {
    head += chunk;
    if (head.length >= maxChars) break;
  }
  return stripBom(head.slice(0, maxChars));
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
