// Streams the elements of a top-level JSON array of arrays (`[[...],[...],...]`, freqtrade's format) without
// parsing the whole file: a small scanner finds each inner array and only that text goes to JSON.parse.
import { DataError } from '../../core/errors.ts';
import { readTextChunks } from './lines.ts';

export interface JsonRow {
  /** The parsed inner array, or the raw text when it is not valid JSON (the caller reports it). */
  readonly value: unknown;
  readonly text: string;
  /** 1-based position of the element in the top-level array. */
  readonly index: number;
  /** 1-based line where the element starts. */
  readonly line: number;
}

const OPEN = 91; // [
const CLOSE = 93; // ]
const QUOTE = 34; // "
const BACKSLASH = 92;
const NEWLINE = 10;

/** Yields batches of inner arrays. Elements that are not arrays, or bad JSON, throw a DataError with file:line. */
export async function* readJsonArrayRows(path: string): AsyncGenerator<JsonRow[]> {
  let depth = 0;
  let inString = false;
  let escaped = false;
  let line = 1;
  let index = 0;
  let started = false;
  let ended = false;
  let pending = ''; // text of the element being scanned, carried across chunks
  let elementLine = 1;

  for await (const chunk of readTextChunks(path)) {
    const rows: JsonRow[] = [];
    let elementStart = depth >= 2 ? 0 : -1;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (c === NEWLINE) line++;
      if (inString) {
        if (escaped) escaped = false;
        else if (c === BACKSLASH) escaped = true;
        else if (c === QUOTE) inString = false;
        continue;
      }
      if (c === QUOTE) {
        if (depth < 2) throw notArrayOfArrays(path, line);
        inString = true;
      } else if (c === OPEN) {
        if (ended) throw new DataError(`${path}:${line}: content after the end of the JSON array`, { file: path, line });
        depth++;
        if (depth === 1) started = true;
        if (depth === 2) {
          elementStart = i;
          elementLine = line;
          pending = '';
        }
      } else if (c === CLOSE) {
        if (depth === 2) {
          const text = pending + chunk.slice(elementStart, i + 1);
          pending = '';
          elementStart = -1;
          index++;
          rows.push({ value: parseElement(text), text, index, line: elementLine });
        } else if (depth === 1) {
          ended = true;
        } else if (depth === 0) {
          throw new DataError(`${path}:${line}: unbalanced ']'`, { file: path, line });
        }
        depth--;
      } else if (depth === 1 && c !== 44 && c !== 32 && c !== 9 && c !== 13 && c !== NEWLINE) {
        throw notArrayOfArrays(path, line);
      } else if (depth === 0 && c !== 32 && c !== 9 && c !== 13 && c !== NEWLINE) {
        throw notArrayOfArrays(path, line);
      }
    }
    if (depth >= 2 && elementStart >= 0) pending += chunk.slice(elementStart);
    if (rows.length > 0) yield rows;
  }
  if (!started || !ended) {
    throw new DataError(`${path}:${line}: the JSON array is ${started ? 'not closed' : 'missing'}`, {
      file: path,
      line,
    });
  }
}

function parseElement(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function notArrayOfArrays(path: string, line: number): DataError {
  return new DataError(`${path}:${line}: expected a JSON array of arrays`, { file: path, line });
}
