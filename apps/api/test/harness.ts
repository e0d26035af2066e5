import 'reflect-metadata';
import { Writable } from 'node:stream';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { getDataSourceToken } from '@nestjs/typeorm';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import type { OrganisationKind, Role } from '#libs/contracts/index.js';
import { createTestDatabase, type TestDatabase } from '#libs/database/testing/index.js';
import { ARGON2_OPTIONS, TokenService } from '#libs/identity/index.js';
import type { LiveOptions } from '#libs/live/index.js';
import { type Clock, createLogger, loadConfig, uuidv7 } from '#libs/platform/index.js';
import { hash } from '@node-rs/argon2';
import { createApp } from '../create-app.js';

export const TEST_PASSWORD = 'test-password-0001';
let passwordHash: Promise<string> | undefined;

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
  text: string;
}

export interface RequestOptions {
  token?: string;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
}

/** One application on a random port over a fresh clone of the migrated database, plus helpers to drive it. */
export class TestApp {
  readonly logLines: string[] = [];
  app!: NestFastifyApplication;
  dataSource!: DataSource;
  baseUrl!: string;
  db!: TestDatabase;
  private owner?: pg.Pool;

  /**
   * `database`: run on an existing test database (another TestApp's `db`) instead of a fresh clone, to have
   * several instances share one database as a deployment behind a load balancer does.
   */
  static async start(
    env: Record<string, string> = {},
    options: { database?: TestDatabase; live?: Partial<LiveOptions>; clock?: Clock; webRoot?: string } = {},
  ): Promise<TestApp> {
    const t = new TestApp();
    t.db = options.database ?? (await createTestDatabase());
    const config = loadConfig({
      DATABASE_URL: t.db.url,
      JWT_SECRET: 'test-secret-test-secret-test-secret-0001',
      SEED_DEMO: 'false',
      LOG_LEVEL: 'debug',
      ...env,
    });
    const sink = new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        t.logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        done();
      },
    });
    // Jest's ESM loader cannot import @fastify/static, which only the Swagger UI pages need.
    t.app = await createApp(config, createLogger('debug', sink), { swaggerUi: false, live: options.live, clock: options.clock, webRoot: options.webRoot });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    t.baseUrl = (await t.app.getUrl()).replace('[::1]', '127.0.0.1');
    t.dataSource = t.app.get<DataSource>(getDataSourceToken());
    return t;
  }

  async close(): Promise<void> {
    await this.app?.close();
    await this.owner?.end();
  }

  /** Queries as the schema owner (superuser of the test cluster): set-up and deliberate tampering only. */
  ownerQuery<T = any>(sql: string, params: unknown[] = []): Promise<T[]> {
    if (!this.owner) {
      this.owner = new pg.Pool({ connectionString: this.db.ownerUrl, max: 2 });
      // An idle connection ended by the server (a test cutting the database off) is simply replaced.
      this.owner.on('error', () => undefined);
    }
    return this.owner.query(sql, params).then((r) => r.rows as T[]);
  }

  async request<T = any>(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined = options.rawBody;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(`${this.baseUrl}/api/v1${path}`, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON (CSV and the like): the text is the body
    }
    return { status: res.status, body: parsed as T, headers: res.headers, text };
  }

  get = <T = any>(path: string, token?: string, headers?: Record<string, string>) => this.request<T>('GET', path, { token, headers });
  post = <T = any>(path: string, token: string | undefined, body?: unknown, headers?: Record<string, string>) =>
    this.request<T>('POST', path, { token, body, headers });
  patch = <T = any>(path: string, token: string | undefined, body: unknown, headers?: Record<string, string>) =>
    this.request<T>('PATCH', path, { token, body, headers });

  async organisation(kind: OrganisationKind = 'municipal_department', name = `org-${uuidv7()}`): Promise<string> {
    const id = uuidv7();
    await this.dataSource.query('INSERT INTO organisations (id, name, kind) VALUES ($1, $2, $3)', [id, name, kind]);
    return id;
  }

  /** A user with TEST_PASSWORD (hashed once per test file). */
  async user(organisationId: string, role: Role = 'caseworker', loginId = `u${uuidv7().replaceAll('-', '').slice(-16)}`) {
    passwordHash ??= hash(TEST_PASSWORD, ARGON2_OPTIONS);
    const id = uuidv7();
    await this.dataSource.query(
      `INSERT INTO users (id, login_id, display_name, organisation_id, role, password_hash) VALUES ($1, $2, $3, $4, $5, $6)`,
      [id, loginId, `Test ${role}`, organisationId, role, await passwordHash],
    );
    return { id, loginId, organisationId, role };
  }

  /** An access token for a user without going through login (no argon2, no throttling): a fresh session. */
  async tokenFor(userId: string): Promise<string> {
    const sessionId = uuidv7();
    await this.dataSource.query(`INSERT INTO sessions (id, user_id, expires_at) VALUES ($1, $2, now() + interval '1 hour')`, [
      sessionId,
      userId,
    ]);
    return this.app.get(TokenService).signAccess(userId, sessionId);
  }

  /** A new organisation with one user of the given role, and that user's token. */
  async actor(role: Role = 'caseworker', kind: OrganisationKind = 'municipal_department') {
    const organisationId = await this.organisation(kind);
    const user = await this.user(organisationId, role);
    return { ...user, token: await this.tokenFor(user.id) };
  }

  /** Audit events as the owner sees them, newest last. */
  auditEvents(where = 'true', params: unknown[] = []) {
    return this.ownerQuery(`SELECT * FROM audit_events WHERE ${where} ORDER BY at, id`, params);
  }
}

/** Asserts the error shape of shared/API.md and returns the body. */
export function expectError(res: ApiResponse, status: number, code: string) {
  if (res.status !== status || res.body?.code !== code) {
    throw new Error(`expected ${status} ${code}, got ${res.status} ${res.text.slice(0, 500)}`);
  }
  const keys = Object.keys(res.body);
  for (const key of ['statusCode', 'error', 'code', 'message', 'requestId']) {
    if (!keys.includes(key)) throw new Error(`error body lacks ${key}: ${res.text}`);
  }
  if (typeof res.body.message !== 'string') throw new Error('message must be one string');
  if (res.headers.get('x-request-id') !== res.body.requestId) throw new Error('X-Request-Id header ≠ body requestId');
  return res.body;
}
