import { Body, Controller, Delete, Get, HttpCode, Inject, Post, Query, Res, UseGuards } from '@nestjs/common';
import { ChannelError, MAX_ID_LENGTH } from '@parley/channels';
import type { ChannelUser, IdentityLink } from '@parley/persistence';
import type { FastifyReply } from 'fastify';
import { AdminGuard } from '../admin/admin.guard';
import type { Runtime } from '../runtime';
import { RUNTIME } from '../tokens';

/** Channel names as they appear in URLs and conversations (`telegram`, `slack`, `rest`, …). */
const CHANNEL = /^[a-z][a-z0-9_-]{0,31}$/;

/**
 * Identity links (`/api/users/links`, admin token): the same person on two channels of a bot, so that user-scoped
 * memory is shared (docs/channels.md#identity-links).
 *
 * - `POST {botId, a: {channel, userId}, b: {channel, userId}}`: b joins a's identity (201; 200 when it already had).
 * - `GET ?botId=…[&channel=…&userId=…]`: the bot's links (or one user's).
 * - `DELETE ?botId=…&channel=…&userId=…`: the joined user gets its own user memory back.
 */
@Controller('api/users/links')
@UseGuards(AdminGuard)
export class IdentityLinksController {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  @Post()
  async link(@Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply) {
    if (!isRecord(body)) throw invalid('The body must be a JSON object: {"botId": "...", "a": {"channel": "...", "userId": "..."}, "b": {...}}.');
    for (const key of Object.keys(body)) if (!['botId', 'a', 'b'].includes(key)) throw invalid(`Unknown field '${key}'. Allowed: botId, a, b.`, key);
    const botId = this.botId(body.botId);
    const { link, created } = await this.runtime.identities.link(botId, channelUser(body.a, 'a'), channelUser(body.b, 'b'));
    void reply.status(created ? 201 : 200);
    return view(link);
  }

  @Get()
  async list(@Query() query: Record<string, string | undefined>) {
    const botId = this.botId(query.botId);
    const user = query.channel !== undefined || query.userId !== undefined ? channelUser(query, 'query') : undefined;
    return { items: (await this.runtime.identities.list(botId, user)).map(view) };
  }

  @Delete()
  @HttpCode(200)
  async unlink(@Query() query: Record<string, string | undefined>) {
    const botId = this.botId(query.botId);
    const user = channelUser(query, 'query');
    await this.runtime.identities.unlink(botId, user);
    return { botId, user, unlinked: true };
  }

  private botId(value: unknown): string {
    if (typeof value !== 'string' || value === '') throw invalid("'botId' is required: the bot whose users are linked.", 'botId');
    return this.runtime.bots.get(value).id;
  }
}

function channelUser(value: unknown, field: string): ChannelUser {
  if (!isRecord(value)) throw invalid(`'${field}' must be {"channel": "...", "userId": "..."}.`, field);
  const { channel, userId } = value;
  if (typeof channel !== 'string' || !CHANNEL.test(channel)) {
    throw invalid(`'${field}.channel' must be a channel name (lower-case letters, digits, '-' or '_'), e.g. "telegram".`, `${field}.channel`);
  }
  if (typeof userId !== 'string' || userId.length < 1 || userId.length > MAX_ID_LENGTH) {
    throw invalid(`'${field}.userId' must be a string of 1 to ${MAX_ID_LENGTH} characters.`, `${field}.userId`);
  }
  return { channel, userId };
}

function view(link: IdentityLink) {
  return { botId: link.botId, user: link.user, identity: link.identity, createdAt: link.createdAt.toISOString() };
}

function invalid(message: string, field?: string): ChannelError {
  return new ChannelError('INVALID_REQUEST', message, { channel: 'admin', field });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
