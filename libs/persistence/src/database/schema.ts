/** A PostgreSQL schema name Parley may interpolate into SQL: validated once, quoted everywhere. */
export const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Schema-qualified table names. Every statement names its schema explicitly: the embedded database (PGlite) serves
 * all connections from one session, so a per-connection `search_path` cannot isolate schemas there.
 */
export class Tables {
  readonly conversations: string;
  readonly transcript: string;
  readonly memories: string;
  readonly outbox: string;
  readonly jobs: string;
  readonly identityLinks: string;
  readonly webhooks: string;
  readonly migrations: string;

  constructor(readonly schema: string) {
    if (!SCHEMA_NAME.test(schema)) throw new Error(`Invalid schema name ${JSON.stringify(schema)}`);
    const q = (table: string) => `"${schema}"."${table}"`;
    this.conversations = q('conversations');
    this.transcript = q('transcript');
    this.memories = q('memories');
    this.outbox = q('outbox');
    this.jobs = q('scheduled_jobs');
    this.identityLinks = q('identity_links');
    this.webhooks = q('webhook_subscriptions');
    this.migrations = q('migrations');
  }
}
