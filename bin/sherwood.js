#!/usr/bin/env node
// Runs the TypeScript CLI directly through tsx's loader, so `npx sherwood` works right after `npm ci`.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
