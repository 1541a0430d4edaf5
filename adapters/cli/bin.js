#!/usr/bin/env node
// The `sealpost` command. Sealpost is written in TypeScript and run through tsx's
// loader, so there is no build step and no stale build (docs/decisions/0005).
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

// The repository's tsconfig, wherever the command is started from: without it tsx
// looks in the working folder and compiles the JSX views for React, not hono/jsx.
register({ tsconfig: fileURLToPath(new URL('../../tsconfig.json', import.meta.url)) });
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
