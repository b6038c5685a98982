import type { BotDefinition } from '@parley/dialogue-core';
import { IdentityLinkStore, type ChannelUser, type Database, type IdentityLink } from '@parley/persistence';
import { ApiError } from '../errors/api.error';

const CACHE_ENTRIES = 10_000;

/**
 * Identity links as the turn path and the admin API use them (docs/channels.md#identity-links). A turn asks for the
 * user id that keys its user-scoped memory (`memoryUserId`); answers are cached per instance for `cacheMs`
 * (`IDENTITY_CACHE_MS`), and dropped at once when any instance changes a link: this one drops them itself and tells
 * the others (`onChanged`, relayed over LISTEN/NOTIFY), which call `forget`. The period only bounds how long a change
 * can go unheard (a relay reconnecting). Bots without user-scoped memory never ask; a bot without any link asks once
 * per period, whatever its number of users.
 */
export class IdentityLinks {
  private readonly store: IdentityLinkStore;
  private readonly cache = new Map<string, { id: string; until: number }>();
  /** Per bot: whether it has links at all, so that a bot without any asks once per period, not once per user. */
  private readonly botsWithLinks = new Map<string, { has: boolean; until: number }>();
  /** Bumped by `forget`: an answer read before a change was heard is used once, not kept. */
  private generation = 0;

  /** Told after this instance changed a link (to tell the other instances). */
  onChanged: () => void = () => undefined;

  constructor(
    db: Database,
    private readonly cacheMs = 2000,
  ) {
    this.store = new IdentityLinkStore(db);
  }

  async memoryUserId(bot: BotDefinition, user: ChannelUser): Promise<string> {
    if (!hasUserMemory(bot)) return user.userId;
    const key = `${bot.id}\u0000${user.channel}\u0000${user.userId}`;
    const now = Date.now();
    const hit = this.cache.get(key);
    if (hit && hit.until > now) return hit.id;
    const generation = this.generation;
    let any = this.botsWithLinks.get(bot.id);
    if (!any || any.until <= now) {
      any = { has: await this.store.hasLinks(bot.id), until: now + this.cacheMs };
      if (generation === this.generation) this.botsWithLinks.set(bot.id, any);
    }
    if (!any.has) return user.userId;
    const id = await this.store.memoryUserId(bot.id, user);
    if (generation !== this.generation) return id;
    if (this.cache.size >= CACHE_ENTRIES) this.cache.clear();
    this.cache.set(key, { id, until: now + this.cacheMs });
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
    this.changed();
    if (outcome.kind === 'conflict') throw new ApiError('IDENTITY_LINK_CONFLICT', outcome.message, { botId });
    return outcome;
  }

  async unlink(botId: string, user: ChannelUser): Promise<void> {
    const removed = await this.store.unlink(botId, user);
    this.changed();
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

  /** Every answer is asked again: after a change made anywhere (or when changes may have gone unheard). */
  forget(): void {
    this.generation++;
    this.cache.clear();
    this.botsWithLinks.clear();
  }

  private changed(): void {
    this.forget();
    this.onChanged();
  }
}

function hasUserMemory(bot: BotDefinition): boolean {
  return Object.values(bot.catalog.declarations).some((d) => d.scope === 'user');
}
