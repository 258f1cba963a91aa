#!/usr/bin/env node
// The CLI is compiled to dist/ by `npm ci` / `npm install` (the `prepare` script runs tsup).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(fileURLToPath(cli))) {
  console.error('buddy-gym: dist/cli.js is missing; run `npm run build` (npm ci runs it for you).');
  process.exit(1);
}
await import(cli.href);
