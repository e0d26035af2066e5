import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { ERROR_CODES, SESSION_TRANSPORT_HEADER } from '#libs/contracts/index.js';
import { LiveIoAdapter, type LiveOptions } from '#libs/live/index.js';
import {
  type AppConfig,
  AppError,
  type AppRequest,
  type Clock,
  depthLimitedJsonParser,
  errorBody,
  httpDuration,
  INTERNAL_ERROR_RESPONSE,
  lowerCaseIdsInPath,
  registerSecurityHeaders,
  serveWebApp,
  trustFunction,
  uuidv7,
  validationPipe,
} from '#libs/platform/index.js';
import { AppModule } from './app.module.js';

export const BODY_LIMIT = 1024 * 1024;
const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Builds the whole application (HTTP API, OpenAPI, metrics) without listening; main.ts and the tests share it. */
export interface CreateAppOptions {
  /** The Swagger UI pages (static assets). The OpenAPI JSON at /api/docs.json is served either way. */
  swaggerUi?: boolean;
  /** Live-update limits other than the defaults (tests and benchmarks). */
  live?: Partial<LiveOptions>;
  /**
   * Build the module graph without instantiating any provider (so without a database): enough to write the OpenAPI
   * document (openapi-document.ts); such an app is never listened on.
   */
  preview?: boolean;
  /** A fixed clock (tests of dates); the system clock otherwise. */
  clock?: Clock;
  /** The built browser app (dist/web) to serve at `/`; left out, only the API answers. */
  webRoot?: string;
}

export async function createApp(
  config: AppConfig,
  logger: Logger,
  options: CreateAppOptions = { swaggerUi: true },
): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT,
    // Only the configured hops are believed: the client address is the right-most untrusted X-Forwarded-For entry.
    trustProxy: trustFunction(config.trustProxy),
    // One resource, one spelling: an upper-case id in a path is the same record and the same Idempotency-Key scope.
    rewriteUrl: (req: { url?: string }) => lowerCaseIdsInPath(req.url ?? '/'),
    logger: false,
    requestIdHeader: false,
    // Path parameters as long as a URL can be, so that an over-long id is answered as any malformed id is (404,
    // after authentication, audited) rather than by the router.
    routerOptions: { maxParamLength: 8192 },
    // Echo the client's X-Request-Id when it is a sane token, so a support call can quote it.
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) => {
      const sent = req.headers['x-request-id'];
      return typeof sent === 'string' && CLIENT_REQUEST_ID.test(sent) ? sent : uuidv7();
    },
    // What the router refuses before any handler (a path that is not valid percent-encoded UTF-8) is answered in the
    // API's error shape too.
    frameworkErrors: (error: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
      const [code, message] =
        error.code === 'FST_ERR_MAX_PARAM_LENGTH'
          ? (['NOT_FOUND', 'Not found'] as const)
          : (['VALIDATION_FAILED', 'The path is not valid percent-encoded UTF-8'] as const);
      void reply
        .status(ERROR_CODES[code])
        .header('x-request-id', req.id)
        .header('content-type', 'application/json; charset=utf-8')
        .send(errorBody(code, message, String(req.id)));
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, logger, options.live, options.clock), adapter, {
    preview: options.preview,
    logger: {
      log: (message: unknown) => logger.debug({ nest: message }),
      error: (message: unknown, stack?: unknown) => logger.error({ nest: message, stack }),
      warn: (message: unknown) => logger.warn({ nest: message }),
      debug: (message: unknown) => logger.debug({ nest: message }),
      verbose: () => undefined,
    },
  });
  // Socket.IO shares Fastify's HTTP server and port (namespace /live, path /socket.io).
  app.useWebSocketAdapter(new LiveIoAdapter(app, config, options.live));
  app.setGlobalPrefix('api/v1', { exclude: ['metrics'] });
  app.useGlobalPipes(validationPipe);
  app.enableCors({
    origin: config.allowedOrigins.length > 0 ? config.allowedOrigins : false,
    credentials: true,
    exposedHeaders: ['ETag', 'X-Request-Id', 'Retry-After'],
    allowedHeaders: ['Authorization', 'Content-Type', 'If-Match', 'Idempotency-Key', 'X-Request-Id', 'Accept', SESSION_TRANSPORT_HEADER],
  });
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', async (req, reply) => {
    void reply.header('x-request-id', req.id);
    void reply.header('cache-control', 'no-store');
  });
  registerSecurityHeaders(fastify);
  // JSON, and JSON Merge Patch (RFC 7396) for PATCH, with a nesting limit (libs/platform/input-edge.ts).
  app.useBodyParser(['application/json', 'application/merge-patch+json'], { bodyLimit: BODY_LIMIT }, depthLimitedJsonParser(fastify));
  // The API speaks JSON only: a body of another type is refused before any parser or handler sees it.
  fastify.addHook('preParsing', async (req) => {
    const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    const type = req.headers['content-type'] ?? '';
    if (hasBody && req.url.startsWith('/api/') && !/^application\/(?:[\w.+-]*\+)?json\b/i.test(type)) {
      throw new AppError('UNSUPPORTED_MEDIA_TYPE', { message: 'Send the body as application/json' });
    }
  });
  fastify.addHook('onResponse', async (req, reply) => {
    // The route pattern, never the URL: query strings may carry personal data (a name search).
    const route = req.routeOptions?.url ?? 'unmatched';
    const seconds = reply.elapsedTime / 1000;
    httpDuration.observe({ method: req.method, route, status: String(reply.statusCode) }, seconds);
    logger.info(
      {
        requestId: req.id,
        method: req.method,
        route,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
        userId: (req as AppRequest).caller?.userId,
      },
      'request',
    );
  });
  const document = openApiDocument(app);
  if (options.swaggerUi) {
    SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs.json', useGlobalPrefix: false });
  } else {
    fastify.get('/api/docs.json', async () => document);
  }
  if (options.webRoot && !serveWebApp(fastify, options.webRoot)) {
    logger.warn({ webRoot: options.webRoot }, 'the web app is not built: only the API is served');
  }
  return app;
}

/** The OpenAPI document of the app's routes, served at /api/docs.json (and written by openapi-document.ts). */
export function openApiDocument(app: NestFastifyApplication): OpenAPIObject {
  return SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Welfare case-sharing API')
      .setDescription('Shared support-recipient records across agencies: grants, notes, live updates and audit log')
      .setVersion('1')
      .addBearerAuth()
      .addGlobalResponse(INTERNAL_ERROR_RESPONSE)
      .build(),
  );
}
