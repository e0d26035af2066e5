import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Min } from 'class-validator';
import { AppError } from './app-error.js';
import { isStoredTimestamp } from './dates.js';
import { isUuid } from './ids.js';
import { MaxLength } from './lengths.js';
import { hasUnstorableChars } from './text.js';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 200;

/** `?limit=&cursor=` of every list (shared/API.md "Lists"). */
export class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT, description: 'larger values are clamped' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  limit?: number;

  @ApiPropertyOptional({ description: 'opaque cursor from a previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export function pageLimit(query: { limit?: number }): number {
  return Math.min(query.limit ?? DEFAULT_LIMIT, MAX_LIMIT);
}

/** Cursors are opaque to clients: the sort key of the last row, as base64url JSON. */
export function encodeCursor(key: readonly (string | number | null)[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export type CursorPart = 'timestamp' | 'uuid' | 'text' | 'int';

const validPart: Record<CursorPart, (v: unknown) => boolean> = {
  timestamp: isStoredTimestamp,
  uuid: isUuid,
  text: (v) => typeof v === 'string' && v.length <= 400 && !hasUnstorableChars(v),
  int: (v) => Number.isSafeInteger(v) && (v as number) >= 0,
};

/**
 * The one cursor decoder: a cursor made by encodeCursor whose parts have exactly the given types, or 400
 * INVALID_CURSOR. A forged cursor thus never reaches the database as a value it cannot cast (which would be a 500).
 */
export function decodeCursor(raw: string | undefined, parts: readonly CursorPart[]): (string | number)[] | undefined {
  if (raw === undefined) return undefined;
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    key = undefined;
  }
  if (Array.isArray(key) && key.length === parts.length && parts.every((part, i) => validPart[part](key[i]))) {
    return key as (string | number)[];
  }
  throw new AppError('INVALID_CURSOR', { message: 'The cursor is not one this API issued' });
}

/** Turns `limit + 1` fetched rows into a page and its next cursor. */
export function toPage<R, T>(rows: R[], limit: number, key: (row: R) => (string | number | null)[], map: (row: R) => T): Page<T> {
  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  return {
    items: pageRows.map(map),
    nextCursor: hasMore ? encodeCursor(key(pageRows[pageRows.length - 1])) : null,
  };
}
