import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { isProxyAddress, type TrustProxy } from './client-ip.js';

/** The validated, typed configuration of one process (shared/API.md "Running"). Built once at boot. */
export interface AppConfig {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  databaseOwnerUrl: string | undefined;
  dataDir: string;
  seedDemo: boolean;
  adminLoginId: string | undefined;
  adminPassword: string | undefined;
  /** Undefined only with the embedded database, whose secret is generated and kept under dataDir at start. */
  jwtSecret: string | undefined;
  accessTokenTtl: number;
  refreshTokenTtl: number;
  trustProxy: TrustProxy;
  /** Password hashes (argon2) computed at once; more wait in a queue of `passwordHashQueue`, then 503. */
  passwordHashConcurrency: number;
  passwordHashQueue: number;
  allowedOrigins: string[];
  loginIpFailureLimit: number;
  loginAccountFailureLimit: number;
  logLevel: string;
  /** Bearer token that GET /metrics requires; unset: /metrics answers 404 (not served). */
  metricsToken: string | undefined;
  /** Benchmarks only: skip audit writes on reads to measure their cost. Refused unless NODE_ENV=benchmark. */
  benchSkipReadAudit: boolean;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`Invalid configuration: ${variable} ${problem}`);
  }
}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number (got "${raw}")`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max} (got ${value})`);
  return value;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['true', '1', 'yes'].includes(raw)) return true;
  if (['false', '0', 'no'].includes(raw)) return false;
  throw new ConfigError(name, `must be true or false (got "${env[name]}")`);
}

/** TRUST_PROXY: false | true (one hop) | a number of hops | a comma-separated list of proxy IPs/CIDRs. */
function trustProxy(env: Env): TrustProxy {
  const raw = env.TRUST_PROXY?.trim() ?? '';
  const lower = raw.toLowerCase();
  if (['', 'false', 'no'].includes(lower)) return false;
  if (['true', 'yes'].includes(lower)) return { hops: 1 };
  if (/^\d+$/.test(raw)) {
    const hops = Number(raw);
    if (hops > 16) throw new ConfigError('TRUST_PROXY', `must be at most 16 hops (got ${hops})`);
    return hops === 0 ? false : { hops };
  }
  const addresses = raw.split(',').map((entry) => entry.trim()).filter(Boolean);
  const bad = addresses.find((entry) => !isProxyAddress(entry));
  if (bad !== undefined || addresses.length === 0) {
    throw new ConfigError(
      'TRUST_PROXY',
      `must be false, true, a number of hops or a comma-separated list of proxy IPs/CIDRs (bad entry "${bad ?? raw}")`,
    );
  }
  return { addresses };
}

function postgresUrl(env: Env, name: string): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, 'is not a URL');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new ConfigError(name, 'must be a postgres:// or postgresql:// URL');
  }
  return raw;
}

export function loadConfig(env: Env = process.env): AppConfig {
  const databaseUrl = postgresUrl(env, 'DATABASE_URL');
  const databaseOwnerUrl = postgresUrl(env, 'DATABASE_OWNER_URL');
  if (databaseOwnerUrl && !databaseUrl) throw new ConfigError('DATABASE_OWNER_URL', 'is set but DATABASE_URL is not');
  const jwtSecret = env.JWT_SECRET || undefined;
  if (databaseUrl && !jwtSecret) {
    throw new ConfigError('JWT_SECRET', 'is required when DATABASE_URL is set (at least 32 characters)');
  }
  if (jwtSecret !== undefined && jwtSecret.length < 32) throw new ConfigError('JWT_SECRET', 'must be at least 32 characters');
  const adminLoginId = env.ADMIN_LOGIN_ID || undefined;
  const adminPassword = env.ADMIN_PASSWORD || undefined;
  if (Boolean(adminLoginId) !== Boolean(adminPassword)) {
    throw new ConfigError(adminLoginId ? 'ADMIN_PASSWORD' : 'ADMIN_LOGIN_ID', 'must be set together with the other');
  }
  if (adminPassword !== undefined && adminPassword.length < 12) {
    throw new ConfigError('ADMIN_PASSWORD', 'must be at least 12 characters');
  }
  const allowedOrigins = (env.ALLOWED_ORIGINS ?? '')
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
  for (const origin of allowedOrigins) {
    try {
      new URL(origin);
    } catch {
      throw new ConfigError('ALLOWED_ORIGINS', `has an entry that is not an origin: "${origin}"`);
    }
  }
  const metricsToken = env.METRICS_TOKEN || undefined;
  if (metricsToken !== undefined && !/^[\x21-\x7e]{24,}$/.test(metricsToken)) {
    throw new ConfigError('METRICS_TOKEN', 'must be at least 24 printable characters without spaces');
  }
  for (const [name, value] of [['JWT_SECRET', jwtSecret], ['ADMIN_PASSWORD', adminPassword], ['METRICS_TOKEN', metricsToken]] as const) {
    // The placeholders of .env.example must never reach production.
    if (value?.toLowerCase().includes('change-me')) throw new ConfigError(name, 'still holds the placeholder of .env.example: set a real secret');
  }
  const benchSkipReadAudit = boolean(env, 'BENCH_SKIP_READ_AUDIT', false);
  if (benchSkipReadAudit && env.NODE_ENV !== 'benchmark') {
    throw new ConfigError('BENCH_SKIP_READ_AUDIT', 'is only allowed with NODE_ENV=benchmark');
  }
  return {
    port: integer(env, 'PORT', 3000, 0, 65535),
    host: env.HOST || '0.0.0.0',
    databaseUrl,
    databaseOwnerUrl,
    dataDir: resolve(env.DATA_DIR || './.data'),
    seedDemo: boolean(env, 'SEED_DEMO', !databaseUrl),
    adminLoginId,
    adminPassword,
    jwtSecret,
    accessTokenTtl: integer(env, 'ACCESS_TOKEN_TTL', 900, 1, 86_400),
    refreshTokenTtl: integer(env, 'REFRESH_TOKEN_TTL', 43_200, 1, 2_592_000),
    trustProxy: trustProxy(env),
    passwordHashConcurrency: integer(env, 'PASSWORD_HASH_CONCURRENCY', defaultHashConcurrency(), 1, 64),
    passwordHashQueue: integer(env, 'PASSWORD_HASH_QUEUE', 64, 0, 100_000),
    allowedOrigins,
    loginIpFailureLimit: integer(env, 'LOGIN_IP_FAILURE_LIMIT', 100, 1, 1_000_000),
    loginAccountFailureLimit: integer(env, 'LOGIN_ACCOUNT_FAILURE_LIMIT', 5, 1, 1000),
    logLevel: env.LOG_LEVEL || 'info',
    metricsToken,
    benchSkipReadAudit,
  };
}

/**
 * Half the cores, at least one: argon2 runs on libuv's thread pool and takes a core for tens of milliseconds per
 * hash; the other half stays for the event loop and PostgreSQL, so a login flood cannot starve everyone's reads.
 */
export function defaultHashConcurrency(): number {
  return Math.max(1, Math.floor(availableParallelism() / 2));
}

/** The embedded database keeps a generated signing key beside its data so that tokens survive a restart. */
export function ensureJwtSecret(config: AppConfig): AppConfig {
  if (config.jwtSecret) return config;
  mkdirSync(config.dataDir, { recursive: true });
  const file = join(config.dataDir, 'jwt-secret');
  if (!existsSync(file)) writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600 });
  return { ...config, jwtSecret: readFileSync(file, 'utf8').trim() };
}
