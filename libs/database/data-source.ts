import type { DataSourceOptions } from 'typeorm';
import { PreparingClient } from './prepared.js';
import { SnakeNamingStrategy } from './snake-naming.strategy.js';

export function dataSourceOptions(url: string, poolSize = 20): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    namingStrategy: new SnakeNamingStrategy(),
    synchronize: false,
    migrationsRun: false,
    logging: false,
    poolSize,
    extra: {
      application_name: 'welfare-case-share',
      // Statements marked by `prepared` run by name (prepared.ts).
      Client: PreparingClient,
      connectionTimeoutMillis: 5000,
      // Every statement of a request is a page or a record: a few dozen index probes. Starting parallel workers
      // costs more than it saves (measured on list pages, see docs/benchmarks.md), and a per-connection setting
      // spares each read the transaction a SET LOCAL would need.
      options: '-c max_parallel_workers_per_gather=0',
    },
  };
}
