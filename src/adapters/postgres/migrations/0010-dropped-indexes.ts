/**
 * Indexes a bulk portfolio import dropped to load faster, with the definitions that rebuild
 * them (pg_get_indexdef). A row is written in the same transaction as its DROP INDEX and deleted
 * in the same transaction as its CREATE INDEX, so a run that dies half-way leaves the record the
 * next start-up or import rebuilds from (see src/adapters/postgres/dropped-indexes.ts).
 */
export const sql = /* sql */ `
CREATE TABLE dropped_indexes (
  name        text PRIMARY KEY,
  table_name  text NOT NULL,
  definition  text NOT NULL CHECK (definition LIKE 'CREATE INDEX %'),
  dropped_by  text NOT NULL,
  dropped_at  timestamptz NOT NULL DEFAULT now()
);
`;
