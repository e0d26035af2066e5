import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source.js';
import { prepared } from './prepared.js';

describe('prepared statements through the application pool', () => {
  let dataSource: DataSource;
  beforeAll(async () => {
    // One connection, so that every statement below runs in the same PostgreSQL session.
    dataSource = await new DataSource(dataSourceOptions(process.env.TEST_PG_URL!, 1)).initialize();
  });
  afterAll(() => dataSource.destroy());

  const preparedHere = async (): Promise<string[]> =>
    (await dataSource.query(`SELECT statement FROM pg_prepared_statements ORDER BY prepare_time`)).map((r: { statement: string }) => r.statement);

  it('prepares a marked statement once per connection and runs it by name with each call’s values', async () => {
    const sql = prepared('SELECT $1::int + $2::int AS sum');
    expect(await dataSource.query(sql, [1, 2])).toEqual([{ sum: 3 }]);
    expect(await dataSource.query(sql, [40, 2])).toEqual([{ sum: 42 }]);
    expect(await dataSource.query(prepared('SELECT $1::text AS t'), ['x'])).toEqual([{ t: 'x' }]);
    expect(await preparedHere()).toEqual([sql, prepared('SELECT $1::text AS t')]);
  });

  it('leaves unmarked statements unprepared, planned for their values on every call', async () => {
    const before = await preparedHere();
    expect(await dataSource.query('SELECT $1::int * 2 AS twice', [21])).toEqual([{ twice: 42 }]);
    expect(await preparedHere()).toEqual(before);
  });

  it('a marked statement that fails does not break the next ones on the connection', async () => {
    await expect(dataSource.query(prepared('SELECT 1 / $1::int AS q'), [0])).rejects.toThrow(/division by zero/);
    expect(await dataSource.query(prepared('SELECT 1 / $1::int AS q'), [1])).toEqual([{ q: 1 }]);
    await expect(dataSource.query(prepared('SELECT * FROM no_such_table WHERE id = $1'), [1])).rejects.toThrow(/no_such_table/);
    await expect(dataSource.query(prepared('SELECT * FROM no_such_table WHERE id = $1'), [1])).rejects.toThrow(/no_such_table/);
    expect(await dataSource.query(prepared('SELECT $1::int + $2::int AS sum'), [2, 2])).toEqual([{ sum: 4 }]);
  });
});
