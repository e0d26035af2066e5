import type { ErrorBody } from '#libs/contracts/index.js';

export const API_BASE = '/api/v1';

/** A failed request as the screens need it: status (0 = no connection), the API's stable code and the raw body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly body?: Partial<ErrorBody>,
    /** Seconds, from Retry-After (429). */
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

export interface ApiRequest {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  body?: unknown;
  /** The version the change is based on: sent as `If-Match: "<version>"`. */
  ifMatch?: number;
  idempotencyKey?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Login and refresh: no bearer token, no retry after a refresh. */
  anonymous?: boolean;
}

export interface ApiResult<T> {
  data: T;
  etag: string | null;
  status: number;
}

/** How the client gets the in-memory access token, and renews it once when the API says it expired. */
export interface AuthBinding {
  token(): string | null;
  renew(): Promise<boolean>;
  /** The session is gone (the refresh failed too). */
  lost(): void;
  /** Any request counts as activity for the idle timeout. */
  touched(): void;
}

let auth: AuthBinding | undefined;
export function bindAuth(binding: AuthBinding) {
  auth = binding;
}

async function send(path: string, req: ApiRequest): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
  const token = req.anonymous ? null : auth?.token();
  if (token) headers.authorization = `Bearer ${token}`;
  if (req.body !== undefined) headers['content-type'] = 'application/json';
  if (req.ifMatch !== undefined) headers['if-match'] = `"${req.ifMatch}"`;
  if (req.idempotencyKey) headers['idempotency-key'] = req.idempotencyKey;
  try {
    return await fetch(`${API_BASE}${path}`, {
      method: req.method ?? 'GET',
      headers,
      body: req.body === undefined ? undefined : JSON.stringify(req.body),
      credentials: 'same-origin',
      signal: req.signal,
    });
  } catch (error) {
    if ((error as Error)?.name === 'AbortError') throw error;
    throw new ApiError(0, 'OFFLINE', 'No connection to the server');
  }
}

export async function apiRequest<T>(path: string, req: ApiRequest = {}): Promise<ApiResult<T>> {
  if (!req.anonymous) auth?.touched();
  let res = await send(path, req);
  if (res.status === 401 && !req.anonymous && auth) {
    if (await auth.renew()) res = await send(path, req);
    if (res.status === 401) auth.lost();
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!res.ok) {
    const error = (body ?? {}) as Partial<ErrorBody>;
    const retryAfter = Number(res.headers.get('retry-after')) || undefined;
    throw new ApiError(res.status, error.code ?? `HTTP_${res.status}`, error.message ?? res.statusText, error, retryAfter);
  }
  return { data: body as T, etag: res.headers.get('etag'), status: res.status };
}

export const api = {
  get: <T>(path: string, signal?: AbortSignal) => apiRequest<T>(path, { signal }).then((r) => r.data),
  post: <T>(path: string, body?: unknown, extra: Omit<ApiRequest, 'method' | 'body'> = {}) =>
    apiRequest<T>(path, { ...extra, method: 'POST', body: body ?? {} }).then((r) => r.data),
  patch: <T>(path: string, body: unknown, ifMatch: number) => apiRequest<T>(path, { method: 'PATCH', body, ifMatch }).then((r) => r.data),
};

/** A query string from the defined, non-empty entries. */
export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const entries = Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== '');
  return entries.length ? `?${new URLSearchParams(entries.map(([k, v]) => [k, String(v)])).toString()}` : '';
}

/** A fresh Idempotency-Key, so a retried create never makes two records. */
export const newIdempotencyKey = () => crypto.randomUUID();
