// A save refused with 412: someone else changed the record since the edit began. What they changed is shown, and
// "reload and re-apply" starts again from their version with the user's own edits on top.

export type Values = Record<string, unknown>;

export const sameValue = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** Fields whose value in `draft` differs from `base`: what the user changed. */
export function changedFields(base: Values, draft: Values, fields: readonly string[]): string[] {
  return fields.filter((f) => f in draft && !sameValue(base[f], draft[f]));
}

export interface ConflictMerge {
  /** What the other person changed, among the fields the caller may read (absent fields are not readable). */
  theirs: { field: string; value: unknown }[];
  /** The draft to continue editing: their version, with the user's own changes re-applied. */
  merged: Values;
  /** Fields both changed to different values: the user's value wins in `merged`, but they should look at them. */
  clashes: string[];
}

export function mergeConflict(base: Values, draft: Values, current: Values, fields: readonly string[]): ConflictMerge {
  const mine = new Set(changedFields(base, draft, fields));
  const theirs = fields.filter((f) => f in current && !sameValue(base[f], current[f])).map((f) => ({ field: f, value: current[f] }));
  const merged: Values = {};
  for (const f of fields) {
    if (f in draft || f in current) merged[f] = mine.has(f) ? draft[f] : current[f];
  }
  const clashes = theirs.map((c) => c.field).filter((f) => mine.has(f) && !sameValue(draft[f], current[f]));
  return { theirs, merged, clashes };
}

/** The JSON Merge Patch of a save: only the changed fields; an emptied text is a cleared value (null). */
export function mergePatch(base: Values, draft: Values, fields: readonly string[]): Values {
  const patch: Values = {};
  for (const f of changedFields(base, draft, fields)) patch[f] = draft[f] === '' ? null : draft[f];
  return patch;
}
