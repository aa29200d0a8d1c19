import { mkdir, open, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import type { Logger } from 'pino';
import { AppError } from '../../domain/errors.js';

/** The OIDs whose default node-postgres parsing would lose meaning. */
const INT8_OID = 20;
const DATE_OID = 1082;

/**
 * Type parsing shared by every pool: bigint minor units come back as numbers (and fail loudly
 * past 2^53 rather than round), and `date` columns stay "YYYY-MM-DD" strings instead of being
 * turned into midnight in the server's local zone.
 */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === INT8_OID) {
      return (value: string) => {
        const n = Number(value);
        if (!Number.isSafeInteger(n))
          throw new AppError('internal', `bigint ${value} is beyond 2^53`);
        return n;
      };
    }
    if (oid === DATE_OID) return (value: string) => value;
    return pg.types.getTypeParser(oid, format) as (value: string) => unknown;
  }) as pg.CustomTypesConfig['getTypeParser'],
};

export type DatabaseKind = 'postgres' | 'pglite';

/** A connection pool and what the store behind it can do. */
export interface Database {
  readonly pool: pg.Pool;
  readonly kind: DatabaseKind;
  /** COPY FROM STDIN works (PostgreSQL); pglite-socket does not carry the COPY sub-protocol. */
  readonly supportsCopy: boolean;
  /** LISTEN/NOTIFY across connections (PostgreSQL only; PGlite has one connection). */
  readonly supportsNotify: boolean;
  close(): Promise<void>;
}

export type DatabaseTarget =
  | { readonly kind: 'postgres'; readonly url: string; readonly poolSize: number }
  | { readonly kind: 'pglite'; readonly dataDir: string }
  | { readonly kind: 'pglite-memory' };

/**
 * Opens the store. With a URL, a pooled connection to that PostgreSQL. Without one, an
 * embedded PGlite (real Postgres in WASM) persisted under `dataDir`, served on a loopback
 * socket by pglite-socket so the same `pg` code path serves both; PGlite is single-connection,
 * so the pool holds exactly one.
 */
export async function openDatabase(target: DatabaseTarget, logger: Logger): Promise<Database> {
  if (target.kind === 'postgres') {
    const pool = new pg.Pool({
      connectionString: target.url,
      max: target.poolSize,
      types,
      application_name: 'cuota',
      // cuota's queries are short OLTP statements; PostgreSQL's JIT, triggered by stale row
      // estimates on tables that just grew (a campaign's first batches), cost seconds per call.
      options: '-c jit=off',
    });
    pool.on('error', (err) => logger.error({ err }, 'db.pool_error'));
    return {
      pool,
      kind: 'postgres',
      supportsCopy: true,
      supportsNotify: true,
      close: () => pool.end(),
    };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  let dataPath = 'memory://';
  let releaseLock = async (): Promise<void> => {};
  if (target.kind === 'pglite') {
    dataPath = path.resolve(target.dataDir, 'pglite');
    await mkdir(dataPath, { recursive: true });
    releaseLock = await lockDataDir(path.resolve(target.dataDir, 'pglite.lock'));
  }
  let db;
  try {
    db = await PGlite.create(dataPath);
  } catch (err) {
    await releaseLock();
    throw err;
  }
  // The pool holds one connection, but the server accepts a few: node-postgres destroys a client
  // after a query error and connects anew while the old socket is still closing.
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 4 });
  await server.start();
  const [host, port] = server.getServerConn().split(':');
  const pool = new pg.Pool({
    host,
    port: Number(port),
    user: 'postgres',
    database: 'postgres',
    max: 1,
    types,
  });
  pool.on('error', (err) => logger.error({ err }, 'db.pool_error'));
  logger.debug({ dataPath: target.kind === 'pglite' ? dataPath : 'memory' }, 'db.embedded_started');
  return {
    pool,
    kind: 'pglite',
    supportsCopy: false,
    supportsNotify: false,
    close: async () => {
      await pool.end();
      await server.stop();
      await db.close();
      await releaseLock();
    },
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * PGlite is one process's database: a second process opening the same folder would corrupt it.
 * A lock file holding the owner's pid keeps `cuota converse` from opening the store `cuota serve`
 * is using; a lock left by a process that died is taken over.
 */
async function lockDataDir(lockPath: string): Promise<() => Promise<void>> {
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const handle = await open(lockPath, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return async () => {
        await rm(lockPath, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number((await readFile(lockPath, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
        throw new AppError(
          'store_unavailable',
          `the embedded database in ${path.dirname(lockPath)} is in use by process ${owner} (is cuota serve running?). Stop it, or use PostgreSQL through DATABASE_URL to share one store between processes.`,
        );
      }
      await rm(lockPath, { force: true });
    }
  }
  throw new AppError('store_unavailable', `could not lock ${lockPath}`);
}

/** Runs `work` in one transaction on one client; rolls back and rethrows on any error. */
export async function withTransaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/** True when the store answers a trivial query within `timeoutMs`. */
export async function isReachable(pool: pg.Pool, timeoutMs = 2000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      pool.query('SELECT 1'),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
      }),
    ]);
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
