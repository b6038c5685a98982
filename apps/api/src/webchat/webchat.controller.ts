import { Controller, Get, Header, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../errors/api.error';
import type { Runtime } from '../runtime';
import { RUNTIME } from '../tokens';
import { webchatAssets } from './webchat-assets';
import { WebchatService, type HistoryMessage } from './webchat.service';

/**
 * The web chat (docs/webchat.md): the page `/webchat/:botId` (also what the widget opens in an iframe), its assets, the
 * embeddable `/webchat/widget.js`, and the page's API: a new session, the history, the live stream. Messages are sent
 * to the channel route, `POST /channels/webchat/:botId` (the adapter runs them through the channel contract).
 */
@Controller('webchat')
export class WebchatController {
  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    private readonly webchat: WebchatService,
  ) {}

  @Get('widget.js')
  @Header('cache-control', 'public, max-age=300')
  async widget(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    void reply.header('content-type', 'text/javascript; charset=utf-8');
    // Sites load it with a <script> tag from their own pages.
    void reply.header('cross-origin-resource-policy', 'cross-origin');
    return (await webchatAssets()).widget;
  }

  @Get('assets/:file')
  @Header('cache-control', 'public, max-age=300')
  async asset(@Param('file') file: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const assets = await webchatAssets();
    if (file === 'chat.js') {
      void reply.header('content-type', 'text/javascript; charset=utf-8');
      return assets.js;
    }
    if (file === 'chat.css') {
      void reply.header('content-type', 'text/css; charset=utf-8');
      return assets.css;
    }
    throw new ApiError('ROUTE_NOT_FOUND', `No web chat asset '${file}'.`);
  }

  @Get(':botId')
  @Header('cache-control', 'no-store')
  async page(@Param('botId') botId: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const bot = this.webchat.bot(botId);
    void reply.header('content-type', 'text/html; charset=utf-8');
    // Scripts, styles and connections: this server only. Which sites may show the page in a frame: configured.
    void reply.header(
      'content-security-policy',
      `default-src 'self'; img-src 'self' data:; style-src 'self'; connect-src 'self'; frame-ancestors ${this.runtime.config.webchatFrameAncestors}`,
    );
    void reply.header('referrer-policy', 'no-referrer');
    const html = (await webchatAssets()).html;
    return html.replaceAll('{{botId}}', escapeHtml(bot.id)).replaceAll('{{locale}}', escapeHtml(bot.locale));
  }

  /** A new user of the bot's web chat: its token (keep it to come back to the conversation). */
  @Post(':botId/session')
  @HttpCode(201)
  @Header('cache-control', 'no-store')
  session(@Param('botId') botId: string): { token: string; conversationId: string } {
    return this.webchat.session(this.webchat.bot(botId));
  }

  /** The conversation so far (the last lines, or those after `?after=<seq>`). */
  @Get(':botId/history')
  @Header('cache-control', 'no-store')
  async history(
    @Param('botId') botId: string,
    @Req() request: FastifyRequest,
    @Query('after') after: string | undefined,
  ): Promise<{ conversationId: string; messages: HistoryMessage[] }> {
    const conversationId = this.webchat.conversationOf(this.webchat.bot(botId), request.headers.authorization);
    return { conversationId, messages: await this.webchat.history(conversationId, after) };
  }

  /** Server-Sent Events: what the bot pushes (and what the user's other tabs said), live. */
  @Get(':botId/events')
  events(@Param('botId') botId: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    const conversationId = this.webchat.conversationOf(this.webchat.bot(botId), request.headers.authorization);
    this.webchat.hub.open(request, reply, conversationId);
  }
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
