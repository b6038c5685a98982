import type { Database } from '../database/database';

/** A webhook subscription made through the admin API. */
export interface StoredSubscription {
  id: string;
  url: string;
  /** `whsec_…` (Standard Webhooks). */
  secret: string;
  events: string[];
  /** Only these bots' conversations; null: every bot. */
  bots: string[] | null;
  createdAt: Date;
}

/** The `webhook_subscriptions` table (a small reference table every instance reads). */
export class WebhookSubscriptionStore {
  constructor(private readonly db: Database) {}

  async list(): Promise<StoredSubscription[]> {
    const rows = await this.db.dataSource.query<
      { id: string; url: string; secret: string; events: string[]; bots: string[] | null; created_at: Date }[]
    >(`SELECT id, url, secret, events, bots, created_at FROM ${this.db.tables.webhooks} ORDER BY created_at, id`);
    return rows.map((r) => ({ id: r.id, url: r.url, secret: r.secret, events: r.events, bots: r.bots, createdAt: r.created_at }));
  }

  /** False when the id is taken. */
  async create(subscription: Omit<StoredSubscription, 'createdAt'>): Promise<boolean> {
    // TypeORM answers an INSERT with its rows (an UPDATE or DELETE with [rows, count]).
    const rows = await this.db.dataSource.query<{ id: string }[]>(
      `INSERT INTO ${this.db.tables.webhooks} (id, url, secret, events, bots) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (id) DO NOTHING RETURNING id`,
      [subscription.id, subscription.url, subscription.secret, subscription.events, subscription.bots],
    );
    return rows.length > 0;
  }

  async delete(id: string): Promise<boolean> {
    const [, count] = await this.db.dataSource.query<[unknown[], number]>(`DELETE FROM ${this.db.tables.webhooks} WHERE id = $1`, [id]);
    return count > 0;
  }
}
