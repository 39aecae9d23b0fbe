// A throw-away project directory for loader tests: config/*.yaml, .env and extra files.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface TempProject {
  dir: string;
  write: (relativePath: string, content: string) => string;
  remove: () => void;
}

export function tempProject(): TempProject {
  const dir = mkdtempSync(join(tmpdir(), 'sherwood-config-'));
  return {
    dir,
    write(relativePath, content) {
      const path = join(dir, relativePath);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, content);
      return path;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Base64 of 32 bytes: a well-formed (fake) Ed25519 seed. */
export const FAKE_PRIVATE_KEY = Buffer.alloc(32, 7).toString('base64');
export const FAKE_API_KEY = 'rh-api-key-0123456789-wxyz';
