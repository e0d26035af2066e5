import { buildMessage, ValidateBy, type ValidationOptions } from 'class-validator';

/**
 * String lengths as PostgreSQL's `length()` and the CHECK constraints count them: in code points. class-validator's
 * own MaxLength/MinLength/Length (validator.js) leave out variation selectors (U+FE0E/U+FE0F), so `'a\uFE0F'.repeat(150)`
 * passes `@MaxLength(200)` and then breaks a `length(title) <= 200` CHECK (a 500). Every DTO uses these instead.
 */
export function codePoints(value: string): number {
  let n = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < value.length) {
      const d = value.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

function lengthRule(name: string, min: number, max: number, what: string, options?: ValidationOptions) {
  return ValidateBy(
    {
      name,
      constraints: [min, max],
      validator: {
        validate: (value) => typeof value === 'string' && codePoints(value) >= min && codePoints(value) <= max,
        defaultMessage: buildMessage((each) => `${each}$property must be ${what}`, options),
      },
    },
    options,
  );
}

export const MaxLength = (max: number, options?: ValidationOptions) =>
  lengthRule('maxLength', 0, max, `a string of at most ${max} characters`, options);
export const MinLength = (min: number, options?: ValidationOptions) =>
  lengthRule('minLength', min, Infinity, `a string of at least ${min} characters`, options);
export const Length = (min: number, max: number, options?: ValidationOptions) =>
  lengthRule('isLength', min, max, `a string of ${min} to ${max} characters`, options);
