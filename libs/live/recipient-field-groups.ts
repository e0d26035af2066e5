import { type FieldGroup, RECIPIENT_FIELD_GROUP } from '#libs/contracts/index.js';

/** Which group a changed field belongs to; unknown fields are never sent. */
export const fieldGroupOf = (field: string): FieldGroup | undefined =>
  Object.hasOwn(RECIPIENT_FIELD_GROUP, field) ? RECIPIENT_FIELD_GROUP[field as keyof typeof RECIPIENT_FIELD_GROUP] : undefined;
