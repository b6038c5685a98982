import { Body, Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ChannelError, parseEvent, MAX_ID_LENGTH } from '@parley/channels';
import { AdminGuard } from './admin.guard';
import { AdminService } from './admin.service';
import { ConversationIdPipe } from './conversation-id.pipe';

/** The admin API (`/api/*`, bearer token). */
@Controller('api')
@UseGuards(AdminGuard)
export class AdminController {
  constructor(private readonly admin: AdminService) {}

  @Get('bots')
  bots() {
    return { items: this.admin.bots() };
  }

  @Get('conversations/:id')
  conversation(@Param('id', ConversationIdPipe) id: string) {
    return this.admin.conversation(id);
  }

  @Get('conversations/:id/transcript')
  transcript(@Param('id', ConversationIdPipe) id: string, @Query('after') after?: string) {
    const afterSeq = after === undefined ? undefined : Number(after);
    if (afterSeq !== undefined && (!/^\d+$/.test(after!) || afterSeq > MAX_SEQ)) {
      throw new ChannelError('INVALID_REQUEST', `'after' must be a transcript sequence number (an integer from 0 to ${MAX_SEQ}).`, {
        channel: 'admin',
        field: 'after',
      });
    }
    return this.admin.transcript(id, afterSeq);
  }

  @Get('conversations/:id/outbox')
  outbox(@Param('id', ConversationIdPipe) id: string) {
    return this.admin.outbox(id);
  }

  /** Body: `{"event": {"type": "...", ...}, "messageId"?: "..."}`. */
  @Post('conversations/:id/events')
  @HttpCode(200)
  event(@Param('id', ConversationIdPipe) id: string, @Body() body: unknown) {
    const { event, messageId } = parseEventBody(body);
    return this.admin.postEvent(id, event, messageId);
  }

  /** Give a conversation handed off to a human (`handoff()`) back to the bot: a turn; its replies are pushed. */
  @Post('conversations/:id/handoff/return')
  @HttpCode(200)
  returnFromHandoff(@Param('id', ConversationIdPipe) id: string) {
    return this.admin.returnFromHandoff(id);
  }

  @Post('conversations/:id/reset')
  @HttpCode(200)
  reset(@Param('id', ConversationIdPipe) id: string) {
    return this.admin.reset(id);
  }
}

/** Transcript positions are PostgreSQL integers. */
const MAX_SEQ = 2_147_483_647;

function parseEventBody(body: unknown): { event: { type: string; [key: string]: unknown }; messageId?: string } {
  const invalid = (message: string, field?: string) => new ChannelError('INVALID_REQUEST', message, { channel: 'admin', field });
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw invalid('The body must be a JSON object: {"event": {"type": "..."}}.');
  const record = body as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (key !== 'event' && key !== 'messageId') throw invalid(`Unknown field '${key}'. Allowed: event, messageId.`, key);
  }
  const { messageId } = record;
  if (messageId !== undefined && (typeof messageId !== 'string' || messageId.length < 1 || messageId.length > MAX_ID_LENGTH)) {
    throw invalid(`'messageId' must be a string of 1 to ${MAX_ID_LENGTH} characters.`, 'messageId');
  }
  return { event: parseEvent(record.event, 'admin'), messageId };
}
