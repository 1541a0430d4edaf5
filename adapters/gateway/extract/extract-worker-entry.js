// The entry of the text extraction worker. A worker thread does not inherit the
// TypeScript loader of the thread that started it (neither tsx's, which runs the
// app, nor vitest's), so it registers tsx itself, as adapters/cli/bin.js does, and
// then loads the worker written in TypeScript (docs/decisions/0005).
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register({ tsconfig: fileURLToPath(new URL('../../../tsconfig.json', import.meta.url)) });
await import('./extract-worker.ts');
