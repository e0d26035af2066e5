import { AsyncLocalStorage } from 'node:async_hooks';
import type { DataSource, EntityManager } from 'typeorm';

interface Ambient {
  em: EntityManager;
  /** False once the surrounding transaction has ended: late work must not touch a released connection. */
  open: boolean;
}

const ambient = new AsyncLocalStorage<Ambient>();
const PATCHED = Symbol('ambientTransaction');

/**
 * Runs `work` so that every `dataSource.transaction(...)` it starts joins the transaction of `em` instead of opening
 * its own. This is what lets the idempotency key row and the record it protects commit together (a crash cannot
 * leave a created record without its key) without each service having to know about idempotency.
 */
export async function withAmbientTransaction<T>(em: EntityManager, work: () => Promise<T>): Promise<T> {
  const scope: Ambient = { em, open: true };
  try {
    return await ambient.run(scope, work);
  } finally {
    scope.open = false;
  }
}

/**
 * Makes the data source's transaction() honour an ambient transaction. DataSource.transaction delegates to its
 * manager's, so patching the manager covers both spellings. An isolation level asked for inside an ambient
 * transaction cannot be applied any more and is ignored (the outer one is READ COMMITTED, the default everywhere).
 */
export function installAmbientTransactions(dataSource: DataSource): void {
  const manager = dataSource.manager as EntityManager & { [PATCHED]?: boolean };
  if (manager[PATCHED]) return;
  const original = manager.transaction.bind(manager) as (...args: unknown[]) => Promise<unknown>;
  const patched = (...args: unknown[]): Promise<unknown> => {
    const scope = ambient.getStore();
    if (scope?.open) {
      const work = args.find((arg): arg is (em: EntityManager) => Promise<unknown> => typeof arg === 'function');
      if (work) return work(scope.em);
    }
    return original(...args);
  };
  Object.assign(manager, { transaction: patched, [PATCHED]: true });
}
