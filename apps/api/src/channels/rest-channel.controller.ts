import { Body, Controller, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import { ChannelError, RestChannelAdapter, verifyRestSignature, type RestResponse } from '@parley/channels';
import { conversationIdFor } from '@parley/persistence';
import type { FastifyRequest } from 'fastify';
import { RUNTIME } from '../tokens';
import type { Runtime } from '../runtime';
import { TurnService } from '../turns/turn.service';

/** `POST /channels/rest/:botId` (docs/design.md, the HTTP contract): one user message (or client event) → one turn → the replies. */
@Controller('channels/rest')
export class RestChannelController {
  private readonly adapter = new RestChannelAdapter();

  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    private readonly turns: TurnService,
  ) {}

  @Post(':botId')
  @HttpCode(200)
  async receive(@Param('botId') botId: string, @Req() request: FastifyRequest, @Body() body: unknown): Promise<RestResponse> {
    const bot = this.runtime.bots.get(botId);
    // Unsigned, the channel trusts the caller's userId (docs/server.md, "Who may call the REST channel").
    const secret = this.runtime.config.restChannelSecrets[bot.id];
    if (secret) verifyRestSignature(secret, request.headers, (request as FastifyRequest & { rawBody?: Buffer }).rawBody ?? Buffer.alloc(0));
    const inbound = this.adapter.parseInbound(request.headers['content-type'], body);
    // Pushes to a callback are signed with the bot's callback secret: without one, a callback URL is refused.
    if (inbound.callbackUrl && !this.runtime.config.restCallbacks[bot.id]) {
      throw new ChannelError(
        'INVALID_REQUEST',
        `The bot '${bot.id}' takes no callbackUrl: give it a callback secret in REST_CALLBACKS ({"${bot.id}": {"secret": "whsec_…"}}).`,
        { channel: this.adapter.channel, field: 'callbackUrl' },
      );
    }
    const channel = this.adapter.channel;
    const response = await this.turns.take({
      target: { kind: 'user', bot, key: { id: conversationIdFor(bot.id, channel, inbound.userId), botId: bot.id, channel, userId: inbound.userId } },
      input: inbound.input,
      messageId: inbound.messageId,
      dedupeChannel: channel,
      delivery: 'response',
      // Kept with the conversation (written with the turn): its later pushes go there, until a request names another.
      ...(inbound.callbackUrl ? { address: { callbackUrl: inbound.callbackUrl } } : {}),
    });
    return this.adapter.formatOutbound(response.conversationId, response.messageId, response.replies);
  }
}
