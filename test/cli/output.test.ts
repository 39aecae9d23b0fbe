// The stdout writer of commands that print: quiet after EPIPE (the reader left), loud on any other stream error.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { quietWriter } from '../../src/cli/output.ts';

function sink(): { stream: Writable; written: string[] } {
  const written: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      written.push(chunk.toString());
      done();
    },
  });
  return { stream, written };
}

const errno = (code: string): NodeJS.ErrnoException => Object.assign(new Error(`write ${code}`), { code });

describe('quietWriter', () => {
  it('writes until EPIPE, then drops the rest without an unhandled error', () => {
    const { stream, written } = sink();
    const write = quietWriter(stream);
    write('a\n');
    stream.emit('error', errno('EPIPE'));
    write('b\n');
    quietWriter(stream)('c\n');
    expect(written).toEqual(['a\n']);
  });

  it('still throws any other stream error', () => {
    const { stream } = sink();
    quietWriter(stream)('a\n');
    expect(() => stream.emit('error', errno('EIO'))).toThrow('write EIO');
  });
});
