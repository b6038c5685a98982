import { PersistenceError } from '../persistence.error';
import { asDatabaseUnavailable } from './database-unavailable';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('asDatabaseUnavailable', () => {
  test.each([
    ['a terminated backend (57P01)', withCode('57P01', 'terminating connection due to administrator command')],
    ['a server starting up (57P03)', withCode('57P03', 'the database system is starting up')],
    ['a refused connection', withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    ['a connection that died', new Error('Connection terminated unexpectedly')],
    ['no free connection in time', new Error('timeout exceeded when trying to connect')],
    ['the same, wrapped by TypeORM', Object.assign(new Error('Query failed'), { driverError: withCode('57P01') })],
    ['refused on every address', new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')], 'all failed')],
  ])('%s → DATABASE_UNAVAILABLE, with the cause kept', (_name, error) => {
    const mapped = asDatabaseUnavailable(error);
    expect(mapped).toBeInstanceOf(PersistenceError);
    expect(mapped?.code).toBe('DATABASE_UNAVAILABLE');
    expect(mapped?.cause).toBe(error);
  });

  test.each([
    ['a unique violation', withCode('23505', 'duplicate key value violates unique constraint')],
    ['a syntax error', withCode('42601')],
    // Classified already: an NLU that cannot be reached is not the database.
    ['an NLU error caused by a refused connection', Object.assign(new Error('NLU unreachable'), { code: 'NLU_UNREACHABLE', cause: withCode('ECONNREFUSED') })],
    ['an engine error', new Error('exploded')],
    ['not an error', 'a string'],
  ])('%s → left as it is', (_name, error) => {
    expect(asDatabaseUnavailable(error)).toBeUndefined();
  });
});
