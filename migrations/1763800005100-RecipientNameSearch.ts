import type { MigrationInterface, QueryRunner } from 'typeorm';
import { recipientSearchKey } from '../libs/japanese-names/index.js';

/**
 * Indexes for `GET /recipients?q=` over recipients.search_key (see libs/recipients/search-key.ts).
 * Queries of 3 characters or more use a pg_trgm GIN index (LIKE '%…%'); a trigram index cannot serve 1–2 characters
 * (高橋, 林), so the key's 1- and 2-character substrings are kept as an array with its own GIN index.
 * pg_trgm needs a UTF-8 ctype to see non-ASCII characters (the embedded cluster uses C.UTF-8).
 */
export class RecipientNameSearch1763800005100 implements MigrationInterface {
  name = 'RecipientNameSearch1763800005100';

  async up(q: QueryRunner): Promise<void> {
    // Keys written before the normalisation existed are rebuilt with it (names themselves are never touched).
    const rows: { id: string; f: string; g: string; fk: string | null; gk: string | null }[] = await q.query(
      `SELECT id, family_name AS f, given_name AS g, family_name_kana AS fk, given_name_kana AS gk FROM recipients`,
    );
    for (let i = 0; i < rows.length; i += 1000) {
      const batch = rows.slice(i, i + 1000);
      await q.query(
        `UPDATE recipients r SET search_key = k.key FROM unnest($1::uuid[], $2::text[]) AS k(id, key) WHERE r.id = k.id`,
        [batch.map((r) => r.id), batch.map((r) => recipientSearchKey(r.f, r.g, r.fk, r.gk))],
      );
    }
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
