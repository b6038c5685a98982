import { Controller, Get, Param, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ChannelError } from '@parley/channels';
import { ConversationRepository } from '@parley/persistence';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AdminGuard } from '../admin/admin.guard';
import { ApiError } from '../errors/api.error';
import { StudioService, type DiagramFormat } from './studio.service';
import { StudioStreams } from './studio.streams';

const CONTENT_TYPES: Record<DiagramFormat, string> = {
  svg: 'image/svg+xml; charset=utf-8',
  mmd: 'text/plain; charset=utf-8',
  json: 'application/json; charset=utf-8',
};

const MAX_PAGE = 200;

/** The admin API's Studio part (`/api/*`, bearer token): diagrams, the conversation list, live changes. */
@Controller('api')
@UseGuards(AdminGuard)
export class StudioApiController {
  constructor(
    private readonly studio: StudioService,
    private readonly streams: StudioStreams,
    private readonly conversations: ConversationRepository,
  ) {}

  /** `diagram.svg` (drawing), `diagram.mmd` (Mermaid), `diagram.json` (XState machine config). */
  @Get('bots/:id/:file')
  async diagram(
    @Param('id') id: string,
    @Param('file') file: string,
    @Query() query: Record<string, unknown>,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const format = /^diagram\.(svg|mmd|json)$/.exec(file)?.[1] as DiagramFormat | undefined;
    if (!format)
      throw new ApiError('ROUTE_NOT_FOUND', `No such export '${file}': use diagram.svg, diagram.mmd or diagram.json.`);
    const text = await this.studio.diagram(id, format, {
      routing: flag(query.routing, 'routing'),
      expand: expandList(query.expand),
    });
    void reply.header('content-type', CONTENT_TYPES[format]);
    return text;
  }

  @Get('studio/bots/:id')
  botView(@Param('id') id: string) {
    return this.studio.botView(id);
  }

  @Get('studio/conversations/:id')
  conversation(@Param('id') id: string) {
    return this.studio.conversation(id);
  }

  /** `?bot=&user=&limit=&after=`: newest activity first; `next` is the `after` of the following page. */
  @Get('conversations')
  async list(@Query() query: Record<string, unknown>) {
    const invalid = (message: string, field: string) =>
      new ChannelError('INVALID_REQUEST', message, { channel: 'admin', field });
    for (const key of Object.keys(query)) {
      if (!['bot', 'user', 'limit', 'after'].includes(key))
        throw invalid(`Unknown parameter '${key}'. Allowed: bot, user, limit, after.`, key);
    }
    const text = (name: string) => {
      const v = query[name];
      if (v === undefined) return undefined;
      if (typeof v !== 'string' || v.length < 1 || v.length > 256)
        throw invalid(`'${name}' must be a string of 1 to 256 characters.`, name);
      return v;
    };
    const limitText = text('limit');
    const limit = limitText === undefined ? 50 : Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE)
      throw invalid(`'limit' must be an integer from 1 to ${MAX_PAGE}.`, 'limit');
    const afterText = text('after');
    let after: { at: string; id: string } | undefined;
    if (afterText !== undefined) {
      try {
        const [at, id] = JSON.parse(Buffer.from(afterText, 'base64url').toString('utf8')) as unknown[];
        if (typeof at !== 'string' || typeof id !== 'string' || Number.isNaN(Date.parse(at))) throw new Error('shape');
        after = { at, id };
      } catch {
        throw invalid("'after' must be the 'next' value of a previous page.", 'after');
      }
    }
    const rows = await this.conversations.list({ botId: text('bot'), userId: text('user'), limit: limit + 1, after });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(({ cursor: _cursor, ...row }) => ({
        ...row,
        createdAt: row.createdAt.toISOString(),
        updatedAt: row.updatedAt.toISOString(),
      })),
      next:
        rows.length > limit && last
          ? Buffer.from(JSON.stringify([last.cursor.at, last.cursor.id])).toString('base64url')
          : null,
    };
  }

  /**
   * Server-Sent Events: `event: turn` (and `reset`) with `{conversationId, botId, turn}` whenever a conversation
   * changes on any instance, `event: resync` when some may have been missed. `?conversation=` or `?bot=` narrow it.
   */
  @Get('studio/changes')
  changes(@Query() query: Record<string, unknown>, @Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    const conversation = typeof query.conversation === 'string' ? query.conversation : undefined;
    const bot = typeof query.bot === 'string' ? query.bot : undefined;
    this.streams.open(
      request,
      reply,
      (change) =>
        change.kind === 'resync' ||
        ((!conversation || change.conversationId === conversation) && (!bot || change.botId === bot)),
    );
  }
}

function flag(value: unknown, name: string): boolean {
  if (value === undefined || value === '0' || value === 'false') return false;
  if (value === '' || value === '1' || value === 'true') return true;
  throw new ChannelError('INVALID_REQUEST', `'${name}' must be 1/true or 0/false.`, { channel: 'admin', field: name });
}

function expandList(value: unknown): 'all' | string[] {
  if (value === undefined || value === '') return [];
  if (value === 'all') return 'all';
  if (typeof value !== 'string' || value.length > 4096) {
    throw new ChannelError('INVALID_REQUEST', "'expand' must be 'all' or stage ids separated by commas.", {
      channel: 'admin',
      field: 'expand',
    });
  }
  return value.split(',').filter(Boolean);
}
