/** The normalised text `?q=` searches in: built from names and kana when a recipient is created or updated. */
export function recipientSearchKey(...parts: (string | null | undefined)[]): string {
  return parts.filter(Boolean).join('');
}
