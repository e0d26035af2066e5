import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

export const MAIN = join(process.cwd(), 'dist/apps/api/main.js');

/** Tests that start whole server processes (and their databases) several times: minutes on a busy machine. */
export const PROCESS_TEST_TIMEOUT = 240_000;

export interface ServerProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

export interface SpawnOptions {
  /** The built entry point (default: this tree's dist/apps/api/main.js). */
  main?: string;
  cwd?: string;
}

function spawnServer(env: Record<string, string>, options: SpawnOptions): ServerProcess {
  const child = spawn(process.execPath, [options.main ?? MAIN], {
    cwd: options.cwd,
    env: { ...process.env, NODE_OPTIONS: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

/** Starts the built server as `npm start` does, and resolves once it prints that it listens. */
export async function startServer(env: Record<string, string>, options: SpawnOptions = {}): Promise<ServerProcess> {
  const server = spawnServer(env, options);
  await new Promise<void>((resolve, reject) => {
    const check = () => {
      if (server.output().includes('"msg":"listening"')) resolve();
    };
    server.child.stdout!.on('data', check);
    server.child.stderr!.on('data', check);
    void server.exited.then((code) => reject(new Error(`server exited with ${code}:\n${server.output()}`)));
  });
  return server;
}

/** Runs the built server until it exits by itself (a refused start). */
export async function exitOf(env: Record<string, string>, options: SpawnOptions = {}): Promise<{ code: number | null; output: string }> {
  const server = spawnServer(env, options);
  const code = await server.exited;
  return { code, output: server.output() };
}

/** Stops the servers a test started that still run (a failed assertion must not leave a PostgreSQL behind). */
export async function stopAll(servers: ServerProcess[]): Promise<void> {
  for (const server of servers) if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGTERM');
  await Promise.all(servers.map((s) => s.exited));
}

export async function login(base: string, loginId: string, password: string): Promise<Response> {
  return fetch(`${base}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ loginId, password }),
  });
}

/** A JSON call to a running server (`base` ends with /api/v1). */
export async function call<T = any>(base: string, method: string, path: string, token?: string, body?: unknown) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}
