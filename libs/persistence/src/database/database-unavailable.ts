import { PersistenceError } from '../persistence.error';

/** SQLSTATEs that mean "the server or the connection is gone", not "this statement is wrong". */
const UNAVAILABLE_STATES = new Set([
  '57P01', // admin_shutdown (pg_terminate_backend, a fast shutdown)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, shutting down)
  '53300', // too_many_connections
  '08000', '08001', '08003', '08004', '08006', '08007', '08P01', // connection exceptions
]);
const UNAVAILABLE_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
/** What `pg` and `pg-pool` say when a connection dies or cannot be had (they set no code). */
const UNAVAILABLE_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|not queryable|Connection ended|the database system is (starting up|shutting down)|terminating connection/i;

/**
 * The error as DATABASE_UNAVAILABLE when it says the database cannot be reached (a lost or refused connection, a server
 * shutting down, no free connection in time), else undefined. Such a failure is retryable: nothing of the turn was
 * committed, or (when the connection died around the COMMIT) the retry finds the dedupe record.
 */
export function asDatabaseUnavailable(error: unknown): PersistenceError | undefined {
  if (error instanceof PersistenceError) return error.code === 'DATABASE_UNAVAILABLE' ? error : undefined;
  if (!isUnavailable(error)) return undefined;
  const message = error instanceof Error ? error.message : String(error);
  return new PersistenceError('DATABASE_UNAVAILABLE', `The database is unavailable (${message}). Try again shortly.`, {}, { cause: error });
}

function isUnavailable(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 4) return false;
  const { code, message, driverError, cause } = error as { code?: unknown; message?: unknown; driverError?: unknown; cause?: unknown };
  if (typeof code === 'string') {
    // An error that carries another code is classified already (a constraint violation, an NLU that is down).
    return UNAVAILABLE_STATES.has(code) || UNAVAILABLE_ERRNOS.has(code);
  }
  if (typeof message === 'string' && UNAVAILABLE_MESSAGES.test(message)) return true;
  // TypeORM wraps the driver's error; AggregateError (a refused connection to every address) lists them.
  if (error instanceof AggregateError && error.errors.some((e) => isUnavailable(e, depth + 1))) return true;
  return isUnavailable(driverError, depth + 1) || isUnavailable(cause, depth + 1);
}

/** Run `fn`; a failure that means the database is unreachable becomes DATABASE_UNAVAILABLE. */
export async function unavailableAsCode<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw asDatabaseUnavailable(error) ?? error;
  }
}
