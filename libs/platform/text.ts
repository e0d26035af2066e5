/**
 * Characters PostgreSQL cannot store in `text` or `jsonb`: NUL, and UTF-16 surrogates without their pair (they have
 * no UTF-8 form). One definition for the edge check (refuse) and the audit log (replace).
 */
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const UNSTORABLE_ALL = new RegExp(UNSTORABLE.source, 'g');

export function hasUnstorableChars(text: string): boolean {
  return UNSTORABLE.test(text);
}

/** `text` with every unstorable character replaced by U+FFFD. */
export function storableText(text: string): string {
  return UNSTORABLE.test(text) ? text.replace(UNSTORABLE_ALL, '\uFFFD') : text;
}
