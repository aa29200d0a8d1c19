/**
 * Indexes behind the REST API's account and debtor lists (src/adapters/postgres/portfolio-queries.ts).
 * Lists paginate by keyset on (sort key, id), so each sort has a composite index that serves
 * both the ORDER BY and the cursor's row comparison; searches are case-insensitive prefixes
 * (text_pattern_ops, so they work under any collation) or whole words of a debtor's name. PGlite
 * ships without pg_trgm, so substring search is deliberately not offered.
 *
 * Plain CREATE INDEX (migrations run in a transaction): on a large live table, build these by
 * hand with CREATE INDEX CONCURRENTLY under the same names first; IF NOT EXISTS then skips them.
 */
export const sql = /* sql */ `
-- (due_date, id) serves everything (due_date) did, plus the keyset tie-break.
CREATE INDEX IF NOT EXISTS accounts_due_date_id ON accounts (due_date, id);
DROP INDEX IF EXISTS accounts_due_date;
CREATE INDEX IF NOT EXISTS accounts_balance_id ON accounts (balance_minor, id);
CREATE INDEX IF NOT EXISTS accounts_ref_lower ON accounts (lower(account_ref) text_pattern_ops);

CREATE INDEX IF NOT EXISTS debtors_ref_lower ON debtors (lower(debtor_ref) text_pattern_ops);
CREATE INDEX IF NOT EXISTS debtors_name_lower ON debtors (lower(name) text_pattern_ops);
CREATE INDEX IF NOT EXISTS debtors_name_words ON debtors USING gin (string_to_array(lower(name), ' '));
CREATE INDEX IF NOT EXISTS debtors_tags ON debtors USING gin (tags);
`;
