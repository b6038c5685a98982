/** Closed set of persistence error codes; `apps/api` maps them to HTTP statuses. */
export type PersistenceErrorCode =
  | 'DATA_DIR_LOCKED'
  | 'DATABASE_UNAVAILABLE'
  | 'MIGRATION_FAILED'
  | 'CONVERSATION_NOT_FOUND'
  | 'TURN_WRITE_FAILED';

/** Every failure of `@parley/persistence`: a literal `name`, a closed `code`, context and the `cause`. */
export class PersistenceError extends Error {
  override readonly name = 'PersistenceError';
  constructor(
    readonly code: PersistenceErrorCode,
    message: string,
    readonly context: { conversationId?: string; dataDir?: string; migration?: string } = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
