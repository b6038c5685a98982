import type { BotDefinition } from '@parley/dialogue-core';
import { IdentityLinkStore, type ChannelUser, type Database, type IdentityLink } from '@parley/persistence';
import { ApiError } from '../errors/api.error';

/** How long an instance trusts a resolved identity: a link made on another instance is seen within this. */
export const IDENTITY_CACHE_MS = 2000;
const CACHE_ENTRIES = 10_000;

/**
 * Identity links as the turn path and the admin API use them (docs/channels.md#identity-links). A turn asks for the
 * user id that keys its user-scoped memory (`memoryUserId`); answers are cached per instance for
 * `IDENTITY_CACHE_MS`, and dropped at once when this instance changes a link. Bots without user-scoped memory never ask;
 * a bot without any link asks once per period, whatever its number of users.
 */
export class IdentityLinks {
  private readonly store: IdentityLinkStore;
  private readonly cache = new Map<string, { id: string; until: number }>();
  /** Per bot: whether it has links at all, so that a bot without any asks once per period, not once per user. */
  private readonly botsWithLinks = new Map<string, { has: boolean; until: number }>();

  constructor(db: Database) {
    this.store = new IdentityLinkStore(db);
  }

  async memoryUserId(bot: BotDefinition, user: ChannelUser): Promise<string> {
    if (!hasUserMemory(bot)) return user.userId;
    const key = `${bot.id}\u0000${user.channel}\u0000${user.userId}`;
    const now = Date.now();
    const hit = this.cache.get(key);
    if (hit && hit.until > now) return hit.id;
    let any = this.botsWithLinks.get(bot.id);
    if (!any || any.until <= now) {
      any = { has: await this.store.hasLinks(bot.id), until: now + IDENTITY_CACHE_MS };
      this.botsWithLinks.set(bot.id, any);
    }
    if (!any.has) return user.userId;
    const id = await this.store.memoryUserId(bot.id, user);
    if (this.cache.size >= CACHE_ENTRIES) this.cache.clear();
    this.cache.set(key, { id, until: now + IDENTITY_CACHE_MS });
    return id;
  }

  /** The bot and channel user of a conversation, for turns addressed by conversation id. */
  ownerOf(conversationId: string): Promise<({ botId: string } & ChannelUser) | undefined> {
    return this.store.ownerOf(conversationId);
  }

  async link(botId: string, a: ChannelUser, b: ChannelUser): Promise<{ link: IdentityLink; created: boolean }> {
    if (a.channel === b.channel && a.userId === b.userId) {
      throw new ApiError('BAD_REQUEST', "'a' and 'b' are the same user: link two different users.");
    }
    const outcome = await this.store.link(botId, a, b);
    this.forgetAll();
    if (outcome.kind === 'conflict') throw new ApiError('IDENTITY_LINK_CONFLICT', outcome.message, { botId });
    return outcome;
  }

  async unlink(botId: string, user: ChannelUser): Promise<void> {
    const removed = await this.store.unlink(botId, user);
    this.forgetAll();
    if (!removed) {
      throw new ApiError(
        'IDENTITY_LINK_NOT_FOUND',
        `The ${user.channel} user '${user.userId}' of '${botId}' is not linked to another identity (an identity itself is unlinked by deleting the links of the users joined to it).`,
        { botId },
      );
    }
  }

  list(botId: string, user?: ChannelUser): Promise<IdentityLink[]> {
    return this.store.list(botId, user);
  }

  /** After a change on this instance: every answer is asked again. */
  private forgetAll(): void {
    this.cache.clear();
    this.botsWithLinks.clear();
  }
}

function hasUserMemory(bot: BotDefinition): boolean {
  return Object.values(bot.catalog.declarations).some((d) => d.scope === 'user');
}
