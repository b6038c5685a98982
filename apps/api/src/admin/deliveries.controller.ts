import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ChannelError } from '@parley/channels';
import { AdminGuard } from './admin.guard';
import { DeliveriesService } from './deliveries.service';

const MAX_PAGE = 500;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The admin API of deliveries (`/api/deliveries/*`, `/api/webhooks*`, bearer token): dead letters and webhooks. */
@Controller('api')
@UseGuards(AdminGuard)
export class DeliveriesController {
  constructor(private readonly deliveries: DeliveriesService) {}

  /** `?bot=&conversation=&limit=&before=`: most recent first; `next` is the `before` of the following page. */
  @Get('deliveries/dead')
  dead(@Query() query: Record<string, unknown>) {
    const params = parseQuery(query, ['bot', 'conversation', 'limit', 'before']);
    const limit = params.limit === undefined ? 50 : Number(params.limit);
    if (!/^\d+$/.test(params.limit ?? '50') || limit < 1 || limit > MAX_PAGE) throw invalid(`'limit' must be an integer from 1 to ${MAX_PAGE}.`, 'limit');
    let before: { deadAt: string; id: string } | undefined;
    if (params.before !== undefined) {
      try {
        const [deadAt, id] = JSON.parse(Buffer.from(params.before, 'base64url').toString('utf8')) as unknown[];
        if (typeof deadAt !== 'string' || typeof id !== 'string' || !UUID.test(id) || Number.isNaN(Date.parse(deadAt))) throw new Error('shape');
        before = { deadAt, id };
      } catch {
        throw invalid("'before' must be the 'next' value of a previous page.", 'before');
      }
    }
    return this.deliveries.deadLetters({ botId: params.bot, conversationId: params.conversation }, limit, before);
  }

  /** Every dead letter (or those of `{"bot"}` / `{"conversation"}`) back to pending, tries reset. */
  @Post('deliveries/dead/replay')
  @HttpCode(200)
  replayAll(@Body() body: unknown) {
    const filter = parseBody(body ?? {}, ['bot', 'conversation']);
    return this.deliveries.replay({ botId: filter.bot, conversationId: filter.conversation });
  }

  @Post('deliveries/dead/:id/replay')
  @HttpCode(200)
  replayOne(@Param('id') id: string) {
    if (!UUID.test(id)) throw invalid("'id' must be a dead letter's id (a UUID).", 'id');
    return this.deliveries.replay({ id: id.toLowerCase() });
  }

  @Get('webhooks')
  webhooks() {
    return this.deliveries.subscriptions();
  }

  /** Body: `{"url", "events": [...], "bots"?: [...], "id"?, "secret"?: "whsec_…"}`; the answer shows the secret once. */
  @Post('webhooks')
  @HttpCode(201)
  create(@Body() body: unknown) {
    return this.deliveries.createSubscription(body);
  }

  @Delete('webhooks/:id')
  @HttpCode(200)
  remove(@Param('id') id: string) {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) throw invalid("'id' must be a webhook subscription id.", 'id');
    return this.deliveries.deleteSubscription(id);
  }
}

function invalid(message: string, field?: string): ChannelError {
  return new ChannelError('INVALID_REQUEST', message, { channel: 'admin', field });
}

function parseQuery(query: Record<string, unknown>, allowed: string[]): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(query)) {
    if (!allowed.includes(key)) throw invalid(`Unknown parameter '${key}'. Allowed: ${allowed.join(', ')}.`, key);
    if (typeof value !== 'string' || value.length < 1 || value.length > 256) throw invalid(`'${key}' must be a string of 1 to 256 characters.`, key);
    out[key] = value;
  }
  return out;
}

function parseBody(body: unknown, allowed: string[]): Record<string, string | undefined> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalid(`The body must be a JSON object with any of: ${allowed.join(', ')}.`);
  return parseQuery(body as Record<string, unknown>, allowed);
}
