#!/usr/bin/env node
// Runs jest with ESM enabled. The store under test is chosen by TEST_DATABASE_URL:
// set, the integration suites run against that PostgreSQL server; unset, against embedded PGlite.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const jestBin = require.resolve('jest/bin/jest');
const store = process.env.TEST_DATABASE_URL ? 'postgresql' : 'pglite';
console.log(`cuota tests: store=${store}`);
const result = spawnSync(
  process.execPath,
  ['--experimental-vm-modules', '--no-warnings', jestBin, ...process.argv.slice(2)],
  {
    stdio: 'inherit',
    env: {
      ...process.env,
      CUOTA_TEST_STORE: store,
      CUOTA_TEST_RUN: process.env.CUOTA_TEST_RUN ?? String(process.pid),
    },
  },
);
process.exit(result.status ?? 1);
