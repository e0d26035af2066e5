import type { EntityManager } from 'typeorm';

const THROTTLE_WINDOW_SECONDS = 15 * 60;

/**
 * Failed logins counted in PostgreSQL so that every instance throttles alike: per login id (known or not) since its
 * last successful login, and per client IP. Answers how many seconds the caller must wait, or 0.
 */
export async function loginRetryAfter(
  em: EntityManager,
  loginKey: string,
  ip: string,
  limits: { perAccount: number; perIp: number },
): Promise<number> {
  const [row]: { account_wait: number | null; ip_wait: number | null }[] = await em.query(
    `WITH account AS (
       SELECT at FROM login_failures
        WHERE login_key = $1 AND at > now() - make_interval(secs => $3)
          AND at > coalesce((SELECT last_login_at FROM users WHERE lower(login_id) = $1), '-infinity')
        ORDER BY at DESC LIMIT $4
     ), by_ip AS (
       SELECT at FROM login_failures WHERE ip = $2 AND at > now() - make_interval(secs => $3) ORDER BY at DESC LIMIT $5
     )
     SELECT CASE WHEN (SELECT count(*) FROM account) >= $4
                 THEN extract(epoch FROM (SELECT min(at) FROM account) + make_interval(secs => $3) - now()) END AS account_wait,
            CASE WHEN (SELECT count(*) FROM by_ip) >= $5
                 THEN extract(epoch FROM (SELECT min(at) FROM by_ip) + make_interval(secs => $3) - now()) END AS ip_wait`,
    [loginKey, ip, THROTTLE_WINDOW_SECONDS, limits.perAccount, limits.perIp],
  );
  const wait = Math.max(Number(row.account_wait ?? 0), Number(row.ip_wait ?? 0));
  return wait > 0 ? Math.ceil(wait) : 0;
}

export async function recordLoginFailure(em: EntityManager, loginKey: string, ip: string): Promise<void> {
  await em.query('INSERT INTO login_failures (login_key, ip) VALUES ($1, $2)', [loginKey, ip]);
}
