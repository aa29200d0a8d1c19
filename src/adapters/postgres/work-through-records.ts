import type pg from 'pg';

/**
 * Works through the rows of a record table, one row per transaction, on up to `connections`
 * connections at once. Each connection claims the next row with `claim` (a `SELECT … LIMIT 1
 * FOR UPDATE SKIP LOCKED` returning it with its `name`, so concurrent workers, in this process
 * or another, never take the same one), calls `work` in that transaction (which deletes the row
 * when done) and commits. A failure rolls that transaction back, keeping its row, and throws.
 * Returns the names worked through.
 */
export async function workThroughRecords<R extends { readonly name: string }>(
  pool: pg.Pool,
  connections: number,
  claim: string,
  work: (client: pg.PoolClient, record: R) => Promise<void>,
): Promise<string[]> {
  const done: string[] = [];
  const worker = async (): Promise<void> => {
    const client = await pool.connect();
    try {
      for (;;) {
        await client.query('BEGIN');
        try {
          const record = (await client.query<R>(claim)).rows[0];
          if (record === undefined) {
            await client.query('COMMIT');
            return;
          }
          await work(client, record);
          await client.query('COMMIT');
          done.push(record.name);
        } catch (err) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw err;
        }
      }
    } finally {
      client.release();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, connections) }, worker));
  return done;
}
