import { applyDecorators, type Type } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { ERROR_CODES, type ErrorCode } from '#libs/contracts/index.js';

// The OpenAPI side of the answers: classes that only describe JSON bodies (nothing validates or transforms a
// response through them) and the decorators that declare them per operation, so that a client generated from
// /api/docs.json types every answer.

/** One violation listed in `details` (validation, unknown references). */
export class ErrorDetailResponse {
  @ApiProperty({ example: 'familyName' }) field: string;
  @ApiProperty({ example: 'isString' }) constraint: string;
  @ApiProperty({ example: 'familyName must be a string' }) message: string;
}

/** The one error shape of every 4xx and 5xx answer (shared/API.md "Errors"). */
export class ErrorResponse {
  @ApiProperty({ type: 'integer', example: 404 }) statusCode: number;
  @ApiProperty({ example: 'Not Found' }) error: string;
  @ApiProperty({ enum: Object.keys(ERROR_CODES), enumName: 'ErrorCode', description: 'stable machine code' }) code: ErrorCode;
  @ApiProperty({ description: 'human readable, always one string' }) message: string;
  @ApiPropertyOptional({ type: [ErrorDetailResponse] }) details?: ErrorDetailResponse[];
  @ApiProperty({ description: 'the X-Request-Id of the answer' }) requestId: string;
}

/** 412 VERSION_CONFLICT also carries the resource's current version. */
export class VersionConflictResponse extends ErrorResponse {
  @ApiProperty({ type: 'integer', description: 'the current version: send it back in If-Match after reloading' }) version: number;
}

/** What the session guard answers on every route that is not @Public(). */
export const SESSION_ERRORS = ['UNAUTHENTICATED', 'TOKEN_INVALID', 'TOKEN_EXPIRED', 'SESSION_ENDED'] as const satisfies readonly ErrorCode[];

/** What a route with a JSON body may answer before its handler runs (validation pipe, body parser, size limit). */
export const BODY_ERRORS = [
  'VALIDATION_FAILED',
  'MALFORMED_JSON',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
] as const satisfies readonly ErrorCode[];

/** A PATCH or DELETE of a versioned resource (If-Match). */
export const IF_MATCH_ERRORS = ['PRECONDITION_REQUIRED', 'VERSION_CONFLICT'] as const satisfies readonly ErrorCode[];

const RETRY_AFTER = { 'Retry-After': { description: 'seconds to wait before trying again', schema: { type: 'integer' } } };

/**
 * Declares the error answers of an operation by their codes: one response per HTTP status (from ERROR_CODES), its
 * description listing the codes, its body the error shape. Several calls on one operation merge (a status's codes
 * are then listed one paragraph per call), so a decorator that brings its own failures (@Idempotent) adds them.
 * 500 INTERNAL_ERROR is declared once for every operation (a global response of the document).
 */
export function ApiErrors(...codes: ErrorCode[]): MethodDecorator & ClassDecorator {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set(codes)) {
    const status = ERROR_CODES[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return applyDecorators(
    ...[...byStatus].map(([status, listed]) =>
      ApiResponse({
        status,
        type: status === ERROR_CODES.VERSION_CONFLICT ? VersionConflictResponse : ErrorResponse,
        description: listed.map((code) => `\`${code}\``).join('\n\n'),
        ...(status === ERROR_CODES.TOO_MANY_REQUESTS ? { headers: RETRY_AFTER } : {}),
      }),
    ),
  );
}

/** The 500 answer every operation may give; DocumentBuilder.addGlobalResponse takes it. */
export const INTERNAL_ERROR_RESPONSE = {
  status: ERROR_CODES.INTERNAL_ERROR,
  type: ErrorResponse,
  description: '`INTERNAL_ERROR`: the request id in the body and the X-Request-Id header lets support find the cause',
};

const pages = new Map<Type, Type>();

/**
 * The list envelope `{ items, nextCursor }` of `item`, as a named schema (`<Item>Page`, e.g. RecipientResponsePage),
 * so that generated clients type `items` rather than seeing a generic page.
 */
export function PageOf<T>(item: Type<T>): Type<{ items: T[]; nextCursor: string | null }> {
  const known = pages.get(item);
  if (known) return known as Type<{ items: T[]; nextCursor: string | null }>;
  class Page {
    items: T[];
    nextCursor: string | null;
  }
  Object.defineProperty(Page, 'name', { value: `${item.name}Page` });
  ApiProperty({ type: () => [item] })(Page.prototype, 'items');
  ApiProperty({ type: String, nullable: true, description: 'opaque; pass it as ?cursor= for the next page, null on the last' })(
    Page.prototype,
    'nextCursor',
  );
  pages.set(item, Page);
  return Page;
}

/** A 200 that is JSON (`type`) by default and CSV text when the client asks for it (Accept: text/csv or ?format=csv). */
export function ApiOkJsonOrCsv(type: Type, description: string): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiExtraModels(type),
    ApiResponse({
      status: 200,
      description,
      content: {
        'application/json': { schema: { $ref: getSchemaPath(type) } },
        'text/csv': { schema: { type: 'string', description: 'UTF-8 with BOM, a header row first' } },
      },
    }),
  );
}
