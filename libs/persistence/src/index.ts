export { PersistenceError, type PersistenceErrorCode } from './persistence.error';
export { asDatabaseUnavailable } from './database/database-unavailable';
export { openDatabase, type Database, type DatabaseOptions } from './database/database';
export { startEmbeddedPostgres, type EmbeddedPostgres } from './database/embedded-postgres';
export { lockDataDir, type DataDirLock } from './database/data-dir.lock';
export { runMigrations, type MigrationClass } from './database/migrate';
export { Tables, SCHEMA_NAME } from './database/schema';
export { PostgresConversationStore, conversationIdFor } from './turns/postgres-conversation.store';
export { InMemoryConversationStore } from './in-memory/in-memory-conversation.store';
export { memoryLockKey } from './turns/memory.locks';
export { TurnTransaction } from './turns/turn.transaction';
export { GroupWriter, type GroupWriterOptions } from './turns/group.writer';
export type { CurrentWrite, WriteExpectation } from './turns/turn.write';
export { TransactionMemory, memoryAddressKey } from './turns/transaction.memory';
export type { TurnWrite, TranscriptLine, OutboxLine, ScheduleLine } from './turns/turn.types';
export {
  ConversationRepository,
  type StoredConversation,
  type TranscriptItem,
  type ConversationSummary,
} from './conversations/conversation.repository';
export {
  OutboxStore,
  type OutboxDelivery,
  type OutboxKind,
  type FollowUp,
  type DeadLetter,
  type DeadLetterFilter,
} from './outbox/outbox.store';
export { WebhookSubscriptionStore, type StoredSubscription } from './outbox/webhook-subscription.store';
export { entities } from './entities';
export { sameJson } from './json-equal';
export { PgliteServer, type PgliteLike } from './database/pglite.server';
export { PgChangeRelay, type ChangeRelayOptions } from './notifications/pg-change-relay';
export { IdentityLinkStore, type ChannelUser, type IdentityLink, type LinkOutcome } from './identities/identity-link.store';
