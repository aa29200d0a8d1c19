#!/usr/bin/env node
// The cuota command. In a source checkout it runs src/ through tsx, so it never runs a stale
// build; in an image or package that ships only dist/ (see Dockerfile) it runs the compiled CLI.
import { existsSync } from 'node:fs';

const source = new URL('../src/cli.ts', import.meta.url);
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(source.href);
} else {
  await import(new URL('../dist/cli.js', import.meta.url).href);
}
