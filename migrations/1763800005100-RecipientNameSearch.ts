import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for `GET /recipients?q=` over recipients.search_key (see libs/recipients/search-key.ts).
 * Queries of 3 characters or more use a pg_trgm GIN index (LIKE '%…%'); a trigram index cannot serve 1–2 characters
 * (高橋, 林), so the key's 1- and 2-character substrings are kept as an array with its own GIN index.
 * pg_trgm needs a UTF-8 ctype to see non-ASCII characters (the embedded cluster uses C.UTF-8).
 */
export class RecipientNameSearch1763800005100 implements MigrationInterface {
  name = 'RecipientNameSearch1763800005100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await q.query(`
      CREATE FUNCTION search_short_grams(key text) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
        SELECT coalesce(array_agg(DISTINCT g), '{}') FROM (
          SELECT substr(key, i, 1) AS g FROM generate_series(1, length(key)) AS i
          UNION ALL
          SELECT substr(key, i, 2) FROM generate_series(1, length(key) - 1) AS i
        ) AS grams
      $$`);
    await q.query(
      `ALTER TABLE recipients ADD COLUMN search_grams text[] GENERATED ALWAYS AS (search_short_grams(search_key)) STORED`,
    );
    await q.query(`CREATE INDEX recipients_search_trgm_idx ON recipients USING gin (search_key gin_trgm_ops)`);
    await q.query(`CREATE INDEX recipients_search_grams_idx ON recipients USING gin (search_grams)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX recipients_search_grams_idx, recipients_search_trgm_idx`);
    await q.query(`ALTER TABLE recipients DROP COLUMN search_grams`);
    await q.query(`DROP FUNCTION search_short_grams(text)`);
  }
}
