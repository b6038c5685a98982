import { Controller, Get, Inject, Param, Post, Req, Res } from '@nestjs/common';
import type { ChannelAdapter, ChannelResponse, InboundRequest, PassiveReply } from '@parley/channels';
import { declaresEvent, type Reply } from '@parley/dialogue-core';
import { conversationIdFor, OutboxStore } from '@parley/persistence';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../errors/api.error';
import { RUNTIME } from '../tokens';
import type { Runtime } from '../runtime';
import { describeError } from '../logging/json.logger';
import { TurnService, type TurnDone } from '../turns/turn.service';
import { ChannelFlights, type Flight } from './channel-flights';
import { PassiveWindow } from './passive-window';

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
}

const OK: ChannelResponse = { status: 200, body: { ok: true } };

/**
 * `POST|GET /channels/:channel/:botId`: the platforms' webhooks (Telegram, Slack, WeChat, …), one route for all of them.
 * The adapter verifies and parses the raw request; this controller runs the turn it asks for and answers as the adapter
 * says. A redelivery that arrives while the first delivery's turn runs joins that turn (`ChannelFlights`). A turn with
 * a passive reply window (WeChat) is waited for until the window ends at most; past it the platform is answered and the
 * turn goes on, its replies all pushed (`PassiveWindow`, docs/design.md "One turn"). The REST channel keeps its own
 * controller (its contract predates adapters; docs/design.md).
 */
@Controller('channels')
export class ChannelController {
  private readonly outbox: OutboxStore;

  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    private readonly turns: TurnService,
    private readonly flights: ChannelFlights,
  ) {
    this.outbox = new OutboxStore(runtime.db);
  }

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
    const respond = (replies: readonly Reply[] | undefined) => send(reply, adapter.respond ? adapter.respond(action, replies) : OK);
    if (action.input.kind === 'event' && !declaresEvent(bot, action.input.event.type)) {
      // A platform would retry a 4xx for ever: an event the bot does not handle is acknowledged, and logged.
      this.runtime.logger.info('platform event not declared by the bot: ignored', { bot: bot.id, channel, event: action.input.event.type });
      return respond(action.delivery === 'response' ? [] : undefined);
    }
    const conversationId = conversationIdFor(bot.id, adapter.channel, action.userId);
    // A platform's deadline: a passive reply window (WeChat), or an acknowledgement deadline (Slack's 3 s), which is a
    // window that takes no reply.
    const window = action.delivery === 'push' ? (action.passive ?? acknowledgeOnly(action.acknowledgeWithinMs)) : undefined;
    const { flight } = this.flights.join(conversationId, action.messageId, () => {
      const passive = window ? new PassiveWindow(window, inbound.receivedAt.getTime() + window.windowMs) : undefined;
      const done = this.turns.run({
        target: { kind: 'user', bot, key: { id: conversationId, botId: bot.id, channel: adapter.channel, userId: action.userId } },
        input: action.input,
        messageId: action.messageId,
        dedupeChannel: adapter.channel,
        delivery: action.delivery,
        address: action.address,
        passive,
      });
      if (action.afterCommit) this.afterCommit(done, action.afterCommit, { botId: bot.id, channel: adapter.channel, messageId: action.messageId });
      return { done, window: passive };
    });
    if (!window || !flight.window) {
      const done = await flight.done;
      return respond(action.delivery === 'response' ? done.response.replies : undefined);
    }
    const done = await flight.window.outcome(flight.done);
    if (!done) {
      // The window passed: answer now; the turn goes on and pushes all its replies (the outbox delivers them).
      this.runtime.logger.warn('slow channel turn acknowledged before its commit', { botId: bot.id, channel: adapter.channel, messageId: action.messageId });
      this.detach(flight, conversationId, action.messageId);
      return respond(action.passive ? [] : undefined);
    }
    return respond(action.passive ? await this.answered(done, action.passive) : undefined);
  }

  /** The replies that go in the response: those the turn's write kept out of the outbox (a redelivery: see below). */
  private async answered(done: TurnDone, passive: PassiveReply): Promise<readonly Reply[]> {
    const { replies, conversationId, messageId } = done.response;
    if (!done.duplicate) return replies.slice(0, done.turn?.record.answeredReplies ?? 0);
    // A redelivery of a message whose turn was written earlier (here or on another instance): its first reply was
    // answered passively unless it is in the outbox. The platform retries only when it got no answer: answer again.
    if (replies.length === 0 || (await this.outbox.holds(conversationId, `${messageId}#1`))) return [];
    return replies.slice(0, passive.accepts(replies));
  }

  /** The adapter's tidying after a turn's first commit (`InboundTurn.afterCommit`): best effort, a failure logged. */
  private afterCommit(done: Promise<TurnDone>, tidy: () => Promise<void>, where: { botId: string; channel: string; messageId: string }): void {
    done.then(
      (turn) => {
        if (turn.duplicate) return;
        tidy().catch((error: unknown) => this.runtime.logger.warn('platform follow-up after a turn failed (not retried)', { ...where, err: describeError(error) }));
      },
      // The turn's own failure is answered or logged where the turn is awaited.
      () => undefined,
    );
  }

  private detach(flight: Flight, conversationId: string, messageId: string): void {
    if (flight.detached) return;
    flight.detached = true;
    flight.done.catch((error: unknown) => {
      this.runtime.metrics.countError('CHANNEL_TURN_FAILED');
      this.runtime.logger.error('turn failed after its passive window (the platform was answered; nothing was written)', {
        conversationId,
        messageId,
        err: describeError(error),
      });
    });
  }
}

/** Slack's acknowledgement deadline as a reply window that takes no reply. */
function acknowledgeOnly(ms: number | undefined): PassiveReply | undefined {
  return ms === undefined ? undefined : { windowMs: ms, accepts: () => 0 };
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
