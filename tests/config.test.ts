import { describe, expect, it } from '@jest/globals';
import { loadConfig } from '../src/config.js';

describe('loadConfig', () => {
  it('defaults to the embedded store under ./data', () => {
    const config = loadConfig({});
    expect(config.database).toEqual({ kind: 'pglite', dataDir: './data' });
    expect(config.http.port).toBe(3000);
    expect(config.loadDemo).toBe(true);
    expect(Object.isFrozen(config.http)).toBe(true);
  });

  it('uses PostgreSQL when DATABASE_URL is set', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u@h:5432/db' }).database).toMatchObject({
      kind: 'postgres',
      url: 'postgres://u@h:5432/db',
    });
  });

  it('lists every bad key in one error, hiding secrets', () => {
    let message = '';
    try {
      loadConfig({
        PORT: 'eighty',
        DATABASE_URL: 'mysql://x',
        CUOTA_DEFAULT_TIMEZONE: 'Mars/Base',
        CUOTA_API_KEY: 'short',
      });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/PORT: .*"eighty"/);
    expect(message).toMatch(/DATABASE_URL: .*\(value hidden\)/);
    expect(message).toMatch(/CUOTA_DEFAULT_TIMEZONE: an IANA time zone/);
    expect(message).toMatch(/CUOTA_API_KEY: at least 16 characters \(value hidden\)/);
    expect(message).not.toContain('mysql://x');
  });

  it('requires an API key in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(
      /CUOTA_API_KEY: required in production/,
    );
  });
});
