// Turns zod issues into one line per problem: the path, the value received, the rule, and the layer that set it.
import type { z } from 'zod';
import { maskValueAt } from './mask.ts';
import { formatPath, getPath } from './paths.ts';

/** Which layer set each path (dotted), e.g. "file config/production.yaml" or "env SHERWOOD_RISK__MAX_DRAWDOWN". */
export type SourceMap = Map<string, string>;

/** The layer that set `path`, or that set the nearest enclosing object/list. */
export function sourceOf(sources: SourceMap, path: ReadonlyArray<PropertyKey>): string | undefined {
  for (let n = path.length; n > 0; n--) {
    const found = sources.get(formatPath(path.slice(0, n)));
    if (found !== undefined) return found;
  }
  // An object given where the schema has no key: name the layer that set something under it.
  const dotted = formatPath(path);
  for (const [key, source] of sources) if (key.startsWith(`${dotted}.`)) return source;
  return undefined;
}

export function describeValue(value: unknown): string {
  if (value === undefined) return 'missing';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (Array.isArray(value)) return 'a list';
  return 'an object';
}

const listOf = (values: readonly unknown[]): string => values.map((v) => JSON.stringify(v)).join(', ');

/** The rule an issue states, in words ("must be at most 1"). */
export function ruleOf(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'too_big': {
      const bound = String(issue.maximum);
      if (issue.origin === 'number' || issue.origin === 'int' || issue.origin === 'bigint')
        return issue.inclusive === false ? `must be less than ${bound}` : `must be at most ${bound}`;
      const unit = issue.origin === 'string' ? 'characters' : 'items';
      return `must have at most ${bound} ${unit}`;
    }
    case 'too_small': {
      const bound = String(issue.minimum);
      if (issue.origin === 'number' || issue.origin === 'int' || issue.origin === 'bigint')
        return issue.inclusive === false ? `must be greater than ${bound}` : `must be at least ${bound}`;
      if (issue.origin === 'string' && issue.minimum === 1) return 'must not be empty';
      const unit = issue.origin === 'string' ? 'characters' : 'items';
      return `must have at least ${bound} ${unit}`;
    }
    case 'invalid_type':
      if (issue.expected === 'int') return 'must be an integer';
      return `must be ${issue.expected === 'array' ? 'a list' : issue.expected === 'object' ? 'an object' : `a ${issue.expected}`}`;
    case 'invalid_value':
      return issue.values.length === 1 ? `must be ${listOf(issue.values)}` : `must be one of ${listOf(issue.values)}`;
    case 'invalid_format':
      return issue.message.startsWith('Invalid') ? `must be a valid ${issue.format}` : issue.message;
    case 'not_multiple_of':
      return `must be a multiple of ${String(issue.divisor)}`;
    case 'unrecognized_keys':
      return 'is not a known key';
    default:
      return issue.message;
  }
}

/** One line per problem. `raw` is the merged input (before defaults) so that the value shown is what the user gave. */
export function formatIssues(issues: readonly z.core.$ZodIssue[], raw: unknown, sources: SourceMap): string[] {
  const lines: string[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const path = [...issue.path, key];
        lines.push(`${formatPath(path)}: unknown key${from(sourceOf(sources, path))}`);
      }
      continue;
    }
    const dotted = formatPath(issue.path);
    const value = maskValueAt(dotted, getPath(raw, issue.path));
    const where = dotted === '' ? '(root)' : dotted;
    const what = value === undefined ? 'missing' : `${describeValue(value)} is invalid`;
    lines.push(`${where}: ${what} — ${ruleOf(issue)}${from(sourceOf(sources, issue.path))}`);
  }
  return lines;
}

const from = (source: string | undefined): string => (source === undefined ? '' : ` (set by ${source})`);
