import type { MigrationInterface, QueryRunner } from 'typeorm';
import { kanaSortKey } from '../libs/japanese-names/index.js';

/**
 * `GET /recipients?sort=kana` orders by a stored key (see kanaSortKey in libs/recipients/search-key.ts) instead of the
 * raw kana, so that katakana, hiragana and half-width entries interleave and recipients without kana come last.
 * COLLATE "C": the key is built to be compared by code point, whatever the database's default collation (a
 * linguistic one would ignore the separator and reorder kana on its own terms).
 * The indexes mirror those of the default order: one for the whole table, one per lead organisation.
 */
export class RecipientKanaSort1763800005200 implements MigrationInterface {
  name = 'RecipientKanaSort1763800005200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE recipients ADD COLUMN kana_sort_key text COLLATE "C"`);
    // Rows written before the key existed get it from the same function the service uses, so the two cannot differ.
    const rows: { id: string; fk: string | null; gk: string | null }[] = await q.query(
      `SELECT id, family_name_kana AS fk, given_name_kana AS gk FROM recipients`,
    );
    for (let i = 0; i < rows.length; i += 1000) {
      const batch = rows.slice(i, i + 1000);
      await q.query(
        `UPDATE recipients r SET kana_sort_key = k.key FROM unnest($1::uuid[], $2::text[]) AS k(id, key) WHERE r.id = k.id`,
        [batch.map((r) => r.id), batch.map((r) => kanaSortKey(r.fk, r.gk))],
      );
    }
    await q.query(`ALTER TABLE recipients ALTER COLUMN kana_sort_key SET NOT NULL`);
    await q.query(`DROP INDEX recipients_kana_idx`);
    await q.query(`CREATE INDEX recipients_kana_sort_idx ON recipients (kana_sort_key, id)`);
    await q.query(`CREATE INDEX recipients_lead_kana_sort_idx ON recipients (lead_organisation_id, kana_sort_key, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX recipients_lead_kana_sort_idx, recipients_kana_sort_idx`);
    await q.query(`ALTER TABLE recipients DROP COLUMN kana_sort_key`);
    await q.query(
      `CREATE INDEX recipients_kana_idx ON recipients ((coalesce(family_name_kana, '')), (coalesce(given_name_kana, '')), id)`,
    );
  }
}
