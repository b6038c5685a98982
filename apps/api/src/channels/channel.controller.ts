import { Controller, Get, Inject, Param, Post, Req, Res } from '@nestjs/common';
import type { ChannelAdapter, ChannelResponse, InboundRequest } from '@parley/channels';
import { conversationIdFor } from '@parley/persistence';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../errors/api.error';
import { RUNTIME } from '../tokens';
import type { Runtime } from '../runtime';
import { TurnService } from '../turns/turn.service';

/** The channel adapters of each bot: `adapters.get(botId, channel)`. Built once at startup from the configuration. */
export class ChannelAdapters {
  private readonly byBot = new Map<string, Map<string, ChannelAdapter>>();

  add(botId: string, adapter: ChannelAdapter): this {
    const channels = this.byBot.get(botId) ?? new Map<string, ChannelAdapter>();
    channels.set(adapter.channel, adapter);
    this.byBot.set(botId, channels);
    return this;
  }

  get(botId: string, channel: string): ChannelAdapter | undefined {
    return this.byBot.get(botId)?.get(channel);
  }

  /** Every (bot, adapter) pair, e.g. for the outbox to find the deliverer of a conversation's channel. */
  *entries(): IterableIterator<[string, ChannelAdapter]> {
    for (const [botId, channels] of this.byBot) for (const adapter of channels.values()) yield [botId, adapter];
  }
}

const OK: ChannelResponse = { status: 200, body: { ok: true } };

/**
 * `POST|GET /channels/:channel/:botId`: the platforms' webhooks (Telegram, Slack, WeChat, …), one route for all of them.
 * The adapter verifies and parses the raw request; this controller runs the turn it asks for and answers as the adapter
 * says. The REST channel keeps its own controller (its contract predates adapters; docs/design.md).
 */
@Controller('channels')
export class ChannelController {
  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    private readonly turns: TurnService,
  ) {}

  @Get(':channel/:botId')
  get(@Param('channel') channel: string, @Param('botId') botId: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.handle(channel, botId, request, reply);
  }

  @Post(':channel/:botId')
  post(@Param('channel') channel: string, @Param('botId') botId: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.handle(channel, botId, request, reply);
  }

  private async handle(channel: string, botId: string, request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const bot = this.runtime.bots.get(botId);
    const adapter = this.runtime.channels.get(bot.id, channel);
    if (!adapter) throw new ApiError('ROUTE_NOT_FOUND', `The bot '${bot.id}' has no '${channel}' channel configured.`);
    const inbound: InboundRequest = {
      botId: bot.id,
      method: request.method,
      headers: request.headers,
      query: (request.query ?? {}) as Record<string, string | undefined>,
      rawBody: rawBodyOf(request),
      receivedAt: new Date(),
    };
    await adapter.verify(inbound);
    const action = await adapter.parse(inbound);
    if (action.kind !== 'turn') return send(reply, action.kind === 'answer' ? action.response : (action.response ?? OK));
    const taking = this.turns.take({
      target: {
        kind: 'user',
        bot,
        key: { id: conversationIdFor(bot.id, adapter.channel, action.userId), botId: bot.id, channel: adapter.channel, userId: action.userId },
      },
      input: action.input,
      messageId: action.messageId,
      dedupeChannel: adapter.channel,
      delivery: action.delivery,
      address: action.address,
    });
    if (action.delivery === 'push' && action.acknowledgeWithinMs !== undefined) {
      const late = await passes(taking, action.acknowledgeWithinMs - (Date.now() - inbound.receivedAt.getTime()));
      if (late) {
        // Acknowledged before the commit: the platform will not send it again, so a failure from here on is logged
        // with everything needed to find the message.
        this.runtime.logger.warn('slow channel turn acknowledged before its commit', { botId: bot.id, channel: adapter.channel, messageId: action.messageId });
        taking.catch((error: unknown) => {
          this.runtime.metrics.countError('CHANNEL_TURN_FAILED_AFTER_ACK');
          this.runtime.logger.error('channel turn failed after it was acknowledged', {
            botId: bot.id,
            channel: adapter.channel,
            userId: action.userId,
            messageId: action.messageId,
            err: error instanceof Error ? error.message : String(error),
          });
        });
        return send(reply, adapter.respond ? adapter.respond(action, undefined) : OK);
      }
    }
    const done = await taking;
    const replies = action.delivery === 'response' ? done.replies : undefined;
    return send(reply, adapter.respond ? adapter.respond(action, replies) : OK);
  }
}

/** True when `ms` pass before `promise` settles (its outcome is left to the caller). */
async function passes(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<true>((resolve) => (timer = setTimeout(() => resolve(true), Math.max(0, ms))));
  try {
    return await Promise.race([promise.then(() => false, () => false), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

function send(reply: FastifyReply, response: ChannelResponse): void {
  const body = typeof response.body === 'string' ? response.body : JSON.stringify(response.body);
  void reply
    .status(response.status)
    .header('content-type', response.contentType ?? (typeof response.body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8'))
    .send(body);
}

function rawBodyOf(request: FastifyRequest): Buffer {
  const raw = (request as FastifyRequest & { rawBody?: Buffer }).rawBody;
  if (raw) return raw;
  const body: unknown = request.body;
  if (Buffer.isBuffer(body)) return body;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  return Buffer.alloc(0);
}
