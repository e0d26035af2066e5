import { loggableError } from './http-exception.filter.js';

describe('loggableError', () => {
  it('keeps no query, parameters, message or detail of a database error', () => {
    const error = Object.assign(new Error('invalid input syntax for type date: "山田花子 1950-02-30"'), {
      name: 'QueryFailedError',
      query: 'UPDATE recipients SET health_notes = $1',
      parameters: ['canary-health-value'],
      driverError: { code: '22007', detail: 'canary-detail', table: 'recipients', constraint: undefined, routine: 'DateTimeParseError' },
    });
    const logged = JSON.stringify(loggableError(error));
    expect(logged).not.toMatch(/canary|山田花子|health_notes|1950/);
    expect(loggableError(error)).toMatchObject({ type: 'QueryFailedError', sqlState: '22007', table: 'recipients' });
  });

  it('keeps the message of other errors', () => {
    expect(loggableError(new TypeError('x is undefined'))).toMatchObject({ type: 'TypeError', message: 'x is undefined' });
  });
});
