/**
 * Foreign keys a bulk portfolio import lifted to load faster, with the definitions that restore
 * them (pg_get_constraintdef). A row is written in the same transaction as its DROP CONSTRAINT
 * and deleted in the same transaction as the VALIDATE that proves every row again, so a run
 * that dies half-way leaves the record the next start-up or import restores from (see
 * src/adapters/postgres/lifted-foreign-keys.ts).
 */
export const sql = /* sql */ `
CREATE TABLE lifted_foreign_keys (
  name        text PRIMARY KEY,
  table_name  text NOT NULL,
  definition  text NOT NULL CHECK (definition LIKE 'FOREIGN KEY %'),
  lifted_by   text NOT NULL,
  lifted_at   timestamptz NOT NULL DEFAULT now()
);
`;
