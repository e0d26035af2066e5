import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, MaxLength, Min } from 'class-validator';
import { AppError } from './app-error.js';

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

/** Decodes a cursor made by encodeCursor with `length` parts, each a string, number or null; anything else → 400. */
export function decodeCursor(raw: string | undefined, length: number): (string | number | null)[] | undefined {
  if (raw === undefined) return undefined;
  try {
    const key: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (
      Array.isArray(key) &&
      key.length === length &&
      key.every((part) => part === null || typeof part === 'string' || typeof part === 'number')
    ) {
      return key as (string | number | null)[];
    }
  } catch {
    // falls through to the error below
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
