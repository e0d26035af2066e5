import type { DataSource } from 'typeorm';
import { uuidv7 } from '#libs/platform/index.js';
import { PasswordService } from './password.service.js';

export const SYSTEM_ORGANISATION_NAME = 'System administration';

/**
 * ADMIN_LOGIN_ID / ADMIN_PASSWORD: how a real deployment gets its first account. Creates that system_admin (and an
 * organisation to hold it) when no user has the login id; never changes an existing account.
 */
export async function ensureBootstrapAdmin(dataSource: DataSource, loginId: string, password: string): Promise<boolean> {
  const passwords = new PasswordService();
  passwords.assertPolicy(password, loginId);
  const hash = await passwords.hash(password);
  return dataSource.transaction(async (em) => {
    await em.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`login:${loginId.toLowerCase()}`]);
    const existing = await em.query('SELECT 1 FROM users WHERE lower(login_id) = lower($1)', [loginId]);
    if (existing.length > 0) return false;
    await em.query(
      `INSERT INTO organisations (id, name, kind) VALUES ($1, $2, 'other') ON CONFLICT (name) DO NOTHING`,
      [uuidv7(), SYSTEM_ORGANISATION_NAME],
    );
    await em.query(
      `INSERT INTO users (id, login_id, display_name, organisation_id, role, password_hash)
       SELECT $1, $2, 'System administrator', id, 'system_admin', $3 FROM organisations WHERE name = $4`,
      [uuidv7(), loginId, hash, SYSTEM_ORGANISATION_NAME],
    );
    return true;
  });
}
