/**
 * What `npm start` does on a fresh clone: `cuota serve` on the embedded store migrates, loads the
 * demo portfolio, prints where to open it, answers /readyz, and stops cleanly on SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

const root = fileURLToPath(new URL('../../../', import.meta.url));
let dir: string;
let child: ChildProcess;
let url: string;
let output = '';

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cuota-serve-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CUOTA_DATA_DIR: path.join(dir, 'data'),
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
  };
  delete env.DATABASE_URL;
  delete env.NODE_ENV;
  child = spawn(process.execPath, [path.join(root, 'bin/cuota.js'), 'serve'], {
    env,
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${output}`)), 60_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /cuota is running on (http:\/\/\S+)/.exec(output);
      // The banner is complete once the generated key's line is out.
      if (match && output.includes('API key:')) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}:\n${output}`)));
  });
}, 90_000);

afterAll(async () => {
  if (child.exitCode === null) child.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

describe('cuota serve on the embedded store', () => {
  it('prints where to open the chat and the API, with the generated key', () => {
    expect(output).toContain(`${url}/chat`);
    expect(output).toMatch(/API key: +\S{20,}/);
  });

  it('is ready, with the demo portfolio loaded behind the API key', async () => {
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    expect((await fetch(`${url}/api/v1/accounts`)).status).toBe(401);
    const key = (await readFile(path.join(dir, 'data', 'api-key'), 'utf8')).trim();
    const res = await fetch(`${url}/api/v1/accounts/DEMO-0001`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ref: 'DEMO-0001', currency: 'COP' });
    expect((await fetch(`${url}/chat`)).status).toBe(200);
  });

  it('stops cleanly on SIGTERM', async () => {
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code) => resolve(code)),
    );
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
