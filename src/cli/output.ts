// Writing a command's output to stdout when the reader may leave early (`sherwood optimize … | head`): the closed
// pipe's EPIPE would otherwise be an unhandled 'error' event, a stack trace and exit 1. The output just stops.
import type { Writable } from 'node:stream';

const closed = new WeakSet<Writable>();
const watched = new WeakSet<Writable>();

/** A writer of text to `stream` that goes quiet once the reader has gone away; other stream errors still throw. */
export function quietWriter(stream: Writable): (text: string) => void {
  return (text) => {
    // Watched on first write, not at import: only a command that prints this way changes how stdout fails.
    if (!watched.has(stream)) {
      watched.add(stream);
      stream.on('error', (err: NodeJS.ErrnoException) => {
        if (err.code !== 'EPIPE') throw err;
        closed.add(stream);
      });
    }
    if (!closed.has(stream)) stream.write(text);
  };
}

/** Text to stdout, quiet after EPIPE. */
export const writeStdout: (text: string) => void = quietWriter(process.stdout);

/** A line to stdout, quiet after EPIPE (a `log` for commands that print lines). */
export const logStdout = (line: string): void => writeStdout(`${line}\n`);
