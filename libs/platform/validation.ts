import { ParseUUIDPipe, ValidationPipe, type ValidationError } from '@nestjs/common';
import { ValidateIf } from 'class-validator';
import { AppError, notFound } from './app-error.js';

export interface FieldViolation {
  field: string;
  constraint: string;
  message: string;
}

function flatten(errors: ValidationError[], prefix = ''): FieldViolation[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.entries(error.constraints ?? {}).map(([constraint, message]) => ({
      field,
      constraint: constraint === 'whitelistValidation' ? 'unknownProperty' : constraint,
      message,
    }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/** Global validation: unknown properties are refused, every violation is listed as `{ field, constraint }`. */
export const validationPipe = new ValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
  forbidUnknownValues: true,
  exceptionFactory: (errors) => {
    const details = flatten(errors);
    return new AppError('VALIDATION_FAILED', {
      message: details.map((d) => d.message).join('; ') || 'The request is not valid',
      details,
    });
  },
});

/** Path ids: anything that is not a UUID names nothing, so it is a 404 (never a 500). */
export const UuidPipe = new ParseUUIDPipe({ exceptionFactory: () => notFound() });

/**
 * `If-Match: "<version>"` → the version the client last saw; 428 when absent. An unreadable value matches
 * no version, so the update that follows answers 412 with the current one.
 */
export function ifMatchVersion(header: string | undefined): number {
  if (header === undefined || header.trim() === '') throw new AppError('PRECONDITION_REQUIRED');
  const match = /^\s*(?:W\/)?"?(\d{1,12})"?\s*$/.exec(header);
  return match ? Number(match[1]) : -1;
}

export function versionConflict(current: number): AppError {
  return new AppError('VERSION_CONFLICT', { extra: { version: current } });
}

/**
 * For JSON Merge Patch fields that cannot be cleared: the key may be absent, but `null` is refused
 * (class-validator's @IsOptional would let null through).
 */
export const IsOptionalNotNull = () => ValidateIf((_object, value) => value !== undefined);
