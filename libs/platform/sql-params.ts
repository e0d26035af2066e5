/**
 * The one way to build a parameterised SQL statement: values go in as `$n` placeholders, never into the text.
 *
 *   const params = new SqlParams([recipientId]);
 *   const where = [`n.recipient_id = $1`, `n.contact_type = ${params.add(query.contactType)}`];
 *   await em.query(`SELECT … WHERE ${where.join(' AND ')}`, params.values);
 */
export class SqlParams {
  constructor(readonly values: unknown[] = []) {}

  /** Appends a value and returns its placeholder (`$3`). */
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}
