import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Inject, Optional } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import { ERROR_CODES, type ErrorBody, type ErrorCode } from '#libs/contracts/index.js';
import { AppError } from './app-error.js';
import { DENIAL_RECORDER, type DenialRecorder } from './denial-recorder.js';
import { LOGGER } from './logger.js';
import type { AppRequest } from './request-meta.js';

const REASON: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Errors that Fastify raises while reading a request, before any handler runs. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'VALIDATION_FAILED',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_CTP_INVALID_JSON_BODY: 'MALFORMED_JSON',
};

const FAILURES_TO_AUDIT = new Set([401, 403, 404, 429]);

interface Translated {
  code: ErrorCode;
  message: string;
  details?: unknown[];
  extra?: Record<string, unknown>;
  headers?: Record<string, string>;
  audited?: boolean;
}

/** The error shape of shared/API.md. */
export function errorBody(
  code: ErrorCode,
  message: string,
  requestId: string,
  details?: unknown[],
  extra?: Record<string, unknown>,
): ErrorBody {
  const status = ERROR_CODES[code];
  return { statusCode: status, error: REASON[status] ?? 'Error', code, message, ...(details ? { details } : {}), ...extra, requestId };
}

/** The one place where any thrown error becomes the error shape of shared/API.md. */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  constructor(
    @Inject(LOGGER) private readonly logger: Logger,
    @Optional() @Inject(DENIAL_RECORDER) private readonly denials?: DenialRecorder,
  ) {}

  async catch(exception: unknown, host: ArgumentsHost): Promise<void> {
    const http = host.switchToHttp();
    const req = http.getRequest<AppRequest>();
    const reply = http.getResponse<FastifyReply>();
    const t = this.translate(exception, req);
    const status = ERROR_CODES[t.code];
    if (status >= 500) {
      this.logger.error({ err: loggableError(exception), requestId: req.id, route: req.routeOptions?.url }, 'request failed');
    }
    if (!t.audited && this.denials && this.shouldAudit(req, status)) {
      try {
        await this.denials.recordFailure(req, status, t.code);
      } catch (err) {
        this.logger.error({ err, requestId: req.id }, 'could not record a refused request in the audit log');
      }
    }
    const body = errorBody(t.code, t.message, String(req.id), t.details, t.extra);
    if (reply.sent) return;
    for (const [name, value] of Object.entries(t.headers ?? {})) void reply.header(name, value);
    await reply.status(status).header('content-type', 'application/json; charset=utf-8').send(body);
  }

  private shouldAudit(req: AppRequest, status: number): boolean {
    if (!req.url.startsWith('/api/')) return false;
    if (FAILURES_TO_AUDIT.has(status)) return Boolean(req.auditAction || req.caller || status !== 404);
    return Boolean(req.auditAction && req.caller);
  }

  private translate(exception: unknown, req: AppRequest): Translated {
    if (exception instanceof AppError) {
      return { code: exception.code, message: exception.message, ...exception.options };
    }
    const fastifyCode = (exception as { code?: unknown })?.code;
    if (typeof fastifyCode === 'string' && FASTIFY_CODES[fastifyCode]) {
      return { code: FASTIFY_CODES[fastifyCode], message: (exception as Error).message };
    }
    if (exception instanceof HttpException && /not valid JSON/i.test(exception.message)) {
      return { code: 'MALFORMED_JSON', message: 'The body is not valid JSON' };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (status === 404) return { code: 'ROUTE_NOT_FOUND', message: `No route ${req.method} ${req.url.split('?')[0]}` };
      const code = (Object.keys(ERROR_CODES) as ErrorCode[]).find((c) => ERROR_CODES[c] === status);
      const response = exception.getResponse();
      const message =
        typeof response === 'object' && response && 'message' in response
          ? [response.message].flat().join('; ')
          : exception.message;
      if (code && status < 500) return { code: status === 400 ? 'VALIDATION_FAILED' : code, message };
    }
    if (exception instanceof SyntaxError) return { code: 'MALFORMED_JSON', message: 'The body is not valid JSON' };
    const statusCode = (exception as { statusCode?: unknown })?.statusCode;
    if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
      const code = (Object.keys(ERROR_CODES) as ErrorCode[]).find((c) => ERROR_CODES[c] === statusCode);
      if (code) return { code, message: (exception as Error).message };
    }
    return { code: 'INTERNAL_ERROR', message: `Internal error (request ${String(req.id)})` };
  }
}

/**
 * What of an unexpected error may be logged. Database errors carry the query's parameters and often a value in their
 * message or detail (personal data): only their class, SQLSTATE, table, constraint and the stack are kept.
 */
export function loggableError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { type: typeof error };
  const driver = (error as { driverError?: Record<string, unknown> }).driverError ?? (error as unknown as Record<string, unknown>);
  const sqlState = typeof driver.code === 'string' && /^[0-9A-Z]{5}$/.test(driver.code) ? driver.code : undefined;
  if (error.name === 'QueryFailedError' || sqlState) {
    return {
      type: error.name,
      sqlState,
      table: driver.table,
      constraint: driver.constraint,
      routine: driver.routine,
      stack: error.stack?.split('\n').slice(1).join('\n'),
    };
  }
  return { type: error.name, message: error.message, stack: error.stack };
}
