import pg from 'pg';
import { AuditSealer } from '#libs/audit/index.js';
import type { TestApp } from './harness.js';

/** Seals what is committed, deterministically (the sealer would within a second anyway). */
export function sealNow(t: TestApp): Promise<number> {
  return t.app.get(AuditSealer).sealNow();
}

/** Events whose request id is this one, as the owner sees them. */
export function eventsOfRequest(t: TestApp, requestId: string | null) {
  return t.auditEvents('request_id = $1', [requestId]);
}

/**
 * A superuser connection with triggers and foreign keys switched off (session_replication_role = replica): what an
 * attacker with the owner's password could do. Only for deliberate tampering.
 */
export async function tamperer(t: TestApp) {
  const client = new pg.Client({ connectionString: t.db.ownerUrl });
  await client.connect();
  await client.query('SET session_replication_role = replica');
  return {
    query: <T = any>(sql: string, params: unknown[] = []) => client.query(sql, params).then((r) => r.rows as T[]),
    end: () => client.end(),
  };
}

/**
 * RFC 4180 parser (quoted cells, doubled quotes, CRLF), enough to read the export back. An unquoted empty cell is
 * null, a quoted one the empty string (the export's convention, as PostgreSQL's COPY).
 */
export function parseCsv(text: string): (string | null)[][] {
  const rows: (string | null)[][] = [];
  let row: (string | null)[] = [];
  let cell = '';
  let quoted = false;
  let wasQuoted = false;
  const endCell = () => {
    row.push(cell === '' && !wasQuoted ? null : cell);
    cell = '';
    wasQuoted = false;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') {
      quoted = true;
      wasQuoted = true;
    } else if (c === ',') endCell();
    else if (c === '\r' && text[i + 1] === '\n') {
      endCell();
      rows.push(row);
      row = [];
      i++;
    } else cell += c;
  }
  if (cell !== '' || row.length > 0) {
    endCell();
    rows.push(row);
  }
  return rows;
}
