import { createHash } from 'node:crypto';
import pg from 'pg';

const MARK = '/* prepared */ ';
/** Distinct marked texts named at most: marked texts are fixed, so more means a text built per call by mistake. */
const MAX_NAMES = 1000;
const names = new Map<string, string>();

/**
 * Marks a statement to be prepared once per pooled connection and run by name afterwards: PostgreSQL then parses
 * and analyses it once per connection instead of once per call, and its plan cache keeps a generic plan once five
 * executions show it to be as good as planning afresh — for a lookup by key, most of what the statement cost
 * (see docs/benchmarks.md, "Request path"). Only for a text that never changes (every value is a parameter) and
 * whose best plan does not depend on the values: a query whose plan depends on, say, how many grants an
 * organisation holds must stay unprepared, and is planned for its values on every call.
 */
export function prepared(sql: string): string {
  return `${MARK}${sql}`;
}

function nameOf(text: string): string | undefined {
  let name = names.get(text);
  if (name === undefined && names.size < MAX_NAMES) {
    name = `p_${createHash('sha256').update(text).digest('base64url').slice(0, 24)}`;
    names.set(text, name);
  }
  return name;
}

/** The pool's client: a statement marked by `prepared` is sent as a named statement, any other as before. */
export class PreparingClient extends pg.Client {
  constructor(config?: string | pg.ClientConfig) {
    super(config);
    const query = this.query.bind(this) as (...args: unknown[]) => unknown;
    this.query = ((config: unknown, ...rest: unknown[]) => {
      const name = typeof config === 'string' && config.startsWith(MARK) ? nameOf(config) : undefined;
      return query(name ? { name, text: config } : config, ...rest);
    }) as typeof this.query;
  }
}
