import type { Database } from '../database/database';

/** A user of one channel of a bot. */
export interface ChannelUser {
  channel: string;
  userId: string;
}

/** `user` is joined to `identity`: its user-scoped memory is the identity's. */
export interface IdentityLink {
  botId: string;
  user: ChannelUser;
  identity: ChannelUser;
  createdAt: Date;
}

/** What `link` did: a new link, one that was already there, or why it cannot be made. */
export type LinkOutcome =
  | { kind: 'linked'; link: IdentityLink; created: boolean }
  | { kind: 'conflict'; message: string };

interface LinkRow {
  bot_id: string;
  channel: string;
  user_id: string;
  identity_channel: string;
  identity_user_id: string;
  created_at: Date;
}

/**
 * Identity links (`identity_links`): the same person on two channels of a bot. A link joins a user to an identity
 * (another channel's user, or the identity that user is already joined to: links never chain), and the joined user's
 * user-scoped memory is then keyed by the identity's user id. Changes are serialized per bot by an advisory lock, so
 * two links made at once cannot build a chain or a cycle.
 */
export class IdentityLinkStore {
  constructor(private readonly db: Database) {}

  /** The user id that keys this user's user-scoped memory: its identity's when it is linked, else its own. */
  async memoryUserId(botId: string, user: ChannelUser): Promise<string> {
    const rows = await this.db.dataSource.query<{ identity_user_id: string }[]>(
      `SELECT identity_user_id FROM ${this.db.tables.identityLinks} WHERE bot_id = $1 AND channel = $2 AND user_id = $3`,
      [botId, user.channel, user.userId],
    );
    return rows[0]?.identity_user_id ?? user.userId;
  }

  /** Whether the bot has any link at all (most have none: their turns then need no lookup). */
  async hasLinks(botId: string): Promise<boolean> {
    const rows = await this.db.dataSource.query<{ found: boolean }[]>(
      `SELECT EXISTS (SELECT 1 FROM ${this.db.tables.identityLinks} WHERE bot_id = $1) AS found`,
      [botId],
    );
    return rows[0]?.found === true;
  }

  /** The bot and channel user of a conversation (undefined: no such conversation). */
  async ownerOf(conversationId: string): Promise<({ botId: string } & ChannelUser) | undefined> {
    const rows = await this.db.dataSource.query<{ bot_id: string; channel: string; user_id: string }[]>(
      `SELECT bot_id, channel, user_id FROM ${this.db.tables.conversations} WHERE id = $1`,
      [conversationId],
    );
    const row = rows[0];
    return row ? { botId: row.bot_id, channel: row.channel, userId: row.user_id } : undefined;
  }

  /** Join `b` to `a`'s identity (a itself, or the identity a is joined to). */
  async link(botId: string, a: ChannelUser, b: ChannelUser): Promise<LinkOutcome> {
    const t = this.db.tables;
    return this.db.dataSource.transaction(async (manager) => {
      const q = <T>(sql: string, params: unknown[]) => manager.query<T>(sql, params);
      await q(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`parley.identity_links.${t.schema}.${botId}`]);
      const find = async (user: ChannelUser) =>
        (await q<LinkRow[]>(`SELECT * FROM ${t.identityLinks} WHERE bot_id = $1 AND channel = $2 AND user_id = $3`, [botId, user.channel, user.userId]))[0];
      const aRow = await find(a);
      const identity: ChannelUser = aRow ? { channel: aRow.identity_channel, userId: aRow.identity_user_id } : a;
      if (same(identity, b)) {
        // b is a's identity already: the link exists (the other way round).
        return { kind: 'linked', link: toLink(aRow!), created: false };
      }
      const bRow = await find(b);
      if (bRow) {
        if (bRow.identity_channel === identity.channel && bRow.identity_user_id === identity.userId) return { kind: 'linked', link: toLink(bRow), created: false };
        return {
          kind: 'conflict',
          message: `${describe(b)} is already linked to ${describe({ channel: bRow.identity_channel, userId: bRow.identity_user_id })}: delete that link first.`,
        };
      }
      const joined = await q<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM ${t.identityLinks} WHERE bot_id = $1 AND identity_channel = $2 AND identity_user_id = $3`,
        [botId, b.channel, b.userId],
      );
      if ((joined[0]?.n ?? 0) > 0) {
        return {
          kind: 'conflict',
          message: `${describe(b)} is the identity ${joined[0]!.n} other user(s) are linked to: link ${describe(a)} to it instead (a: ${describe(b)}, b: ${describe(a)}).`,
        };
      }
      const inserted = await q<LinkRow[]>(
        `INSERT INTO ${t.identityLinks} (bot_id, channel, user_id, identity_channel, identity_user_id) VALUES ($1, $2, $3, $4, $5) RETURNING *`,
        [botId, b.channel, b.userId, identity.channel, identity.userId],
      );
      return { kind: 'linked', link: toLink(inserted[0]!), created: true };
    });
  }

  /** Undo the link of a joined user; false when it had none. */
  async unlink(botId: string, user: ChannelUser): Promise<boolean> {
    const rows = await this.db.dataSource.query<LinkRow[]>(
      `DELETE FROM ${this.db.tables.identityLinks} WHERE bot_id = $1 AND channel = $2 AND user_id = $3 RETURNING *`,
      [botId, user.channel, user.userId],
    );
    // node-postgres gives the rows; the embedded driver gives [rows, count].
    return normalizeRows(rows).length > 0;
  }

  /** A bot's links, oldest first; `user` narrows to the links of one user (as joined user or as identity). */
  async list(botId: string, user?: ChannelUser): Promise<IdentityLink[]> {
    const t = this.db.tables;
    const rows = user
      ? await this.db.dataSource.query<LinkRow[]>(
          `SELECT * FROM ${t.identityLinks} WHERE bot_id = $1
              AND ((channel = $2 AND user_id = $3) OR (identity_channel = $2 AND identity_user_id = $3))
            ORDER BY created_at, channel, user_id`,
          [botId, user.channel, user.userId],
        )
      : await this.db.dataSource.query<LinkRow[]>(`SELECT * FROM ${t.identityLinks} WHERE bot_id = $1 ORDER BY created_at, channel, user_id`, [botId]);
    return rows.map(toLink);
  }
}

function normalizeRows(result: unknown): unknown[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as unknown[];
  return Array.isArray(result) ? result : [];
}

function same(x: ChannelUser, y: ChannelUser): boolean {
  return x.channel === y.channel && x.userId === y.userId;
}

function describe(user: ChannelUser): string {
  return `${user.channel} user '${user.userId}'`;
}

function toLink(row: LinkRow): IdentityLink {
  return {
    botId: row.bot_id,
    user: { channel: row.channel, userId: row.user_id },
    identity: { channel: row.identity_channel, userId: row.identity_user_id },
    createdAt: new Date(row.created_at),
  };
}
