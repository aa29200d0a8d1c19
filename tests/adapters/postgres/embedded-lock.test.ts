import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { openDatabase } from '../../../src/adapters/postgres/database.js';
import { silentLogger } from '../../support/shared.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'cuota-lock-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('embedded store lock', () => {
  it('refuses to open a data folder another live process holds', async () => {
    // The test runner's parent process is alive for the whole run: it stands in for `cuota serve`.
    await writeFile(path.join(dir, 'pglite.lock'), String(process.ppid));
    await expect(openDatabase({ kind: 'pglite', dataDir: dir }, silentLogger)).rejects.toThrow(
      /in use by process \d+/,
    );
  });

  it('takes over a lock left by a process that died, and releases it on close', async () => {
    await writeFile(path.join(dir, 'pglite.lock'), '999999');
    const db = await openDatabase({ kind: 'pglite', dataDir: dir }, silentLogger);
    expect(await readFile(path.join(dir, 'pglite.lock'), 'utf8')).toBe(String(process.pid));
    await db.close();
    await expect(readFile(path.join(dir, 'pglite.lock'), 'utf8')).rejects.toThrow(/ENOENT/);
  });
});
