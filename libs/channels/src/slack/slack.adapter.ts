import type { ChannelAdapter, InboundAction, InboundRequest, OutboundMessage } from '../channel.adapter';
import { ChannelError } from '../channel.error';
import type { ChannelDeps } from '../settings/channel.plugin';
import { callSlack } from './slack.api';
import type { SlackSettings } from './slack.settings';
import { verifySlackSignature } from './slack.signature';

/** Slack wants the acknowledgement within 3 s: a slower turn is acknowledged at this and goes on. */
export const SLACK_ACK_MS = 2500;

/** The `action_id` prefix of the choice buttons Parley posts: a click on one is the user's answer. */
export const CHOICE_ACTION = 'parley_choice_';
/** The `block_id` of the actions block that holds them, and of the line that replaces it once one was clicked. */
const CHOICES_BLOCK = 'parley_choices';
const ANSWER_BLOCK = 'parley_answer';
/** Slack's limits for buttons (Block Kit): at most 25 in an actions block, labels of at most 75 characters, values of 2,000. */
const MAX_BUTTONS = 25;
const MAX_LABEL = 75;
const MAX_VALUE = 2000;
/** Slack's limit for a section's text; a longer reply goes as text only, with its choices listed. */
const MAX_SECTION_TEXT = 3000;

/** Where a Slack reply goes (`InboundTurn.address`): the channel, and the thread when the message was in one. */
export interface SlackAddress {
  channel: string;
  threadTs?: string;
}

/** The parts of an Events API envelope Parley reads (https://api.slack.com/apis/events-api). */
interface SlackEnvelope {
  type?: unknown;
  challenge?: unknown;
  event_id?: unknown;
  authorizations?: { user_id?: unknown }[];
  event?: SlackEvent;
}

/** The parts of an interaction payload Parley reads (https://api.slack.com/reference/interaction-payloads/block-actions). */
interface SlackInteraction {
  type?: unknown;
  trigger_id?: unknown;
  user?: { id?: unknown };
  channel?: { id?: unknown };
  container?: { channel_id?: unknown; thread_ts?: unknown; message_ts?: unknown };
  message?: { ts?: unknown; text?: unknown; thread_ts?: unknown; blocks?: unknown };
  actions?: { action_id?: unknown; value?: unknown; action_ts?: unknown }[];
}

interface SlackEvent {
  type?: unknown;
  subtype?: unknown;
  user?: unknown;
  bot_id?: unknown;
  text?: unknown;
  channel?: unknown;
  channel_type?: unknown;
  ts?: unknown;
  thread_ts?: unknown;
}

/**
 * Slack Events API (`POST /channels/slack/:botId`, the app's Request URL).
 *
 * - verify: the `v0` signature over `v0:<timestamp>:<raw body>` with the signing secret, constant-time compare;
 *   requests more than five minutes old (or ahead) are refused.
 * - parse: `url_verification` is answered with its challenge. A direct message (`message` in an `im`) or a mention
 *   (`app_mention`) is a turn with `event_id` as the message id, so Slack's redeliveries (`X-Slack-Retry-Num`) run once.
 *   Edits, joins and every message from a bot (this one included: `bot_id`, subtype `bot_message`) are ignored.
 * - delivery 'push': Slack wants an answer within 3 s, so the request is acknowledged at once and each reply is a
 *   `chat.postMessage` from the outbox, in the thread the message came from (a mention in a channel is answered in
 *   its thread; a direct message at the top of the conversation unless it was in a thread). A reply's choices are
 *   buttons (Block Kit: the text in a section, the buttons in an actions block; the notification text lists them).
 * - interactivity: a click on one of those buttons comes to the same URL (the app's Interactivity Request URL) as a
 *   signed form with a `block_actions` payload; it is the user's message, the button's choice as text, with the
 *   interaction's `trigger_id` as the message id, answered in the thread of the message that had the button. Once the
 *   turn is written, that message's buttons are replaced by a line with the answer (`chat.update`, best effort), so an
 *   answered question cannot be answered again by a stray click. Other interactions (other apps' buttons, shortcuts,
 *   modals) are acknowledged and ignored.
 */
export class SlackAdapter implements ChannelAdapter {
  readonly channel = 'slack';

  constructor(
    readonly botId: string,
    private readonly settings: SlackSettings,
    private readonly deps: Pick<ChannelDeps, 'fetch'>,
  ) {}

  verify(request: InboundRequest): void {
    verifySlackSignature(this.settings.signingSecret, request.headers, request.rawBody, request.receivedAt);
  }

  parse(request: InboundRequest): InboundAction {
    if (isForm(request)) return this.parseInteraction(request.rawBody);
    const envelope = this.readEnvelope(request.rawBody);
    if (envelope.type === 'url_verification') {
      if (typeof envelope.challenge !== 'string') throw this.invalid("url_verification without a 'challenge'.");
      return { kind: 'answer', response: { status: 200, body: { challenge: envelope.challenge } } };
    }
    if (envelope.type !== 'event_callback') return { kind: 'ignore', reason: `envelope type ${String(envelope.type)}` };
    const event = envelope.event;
    if (typeof envelope.event_id !== 'string' || !event || typeof event !== 'object') throw this.invalid("An event_callback needs 'event_id' and 'event'.");
    if (event.bot_id !== undefined || event.subtype === 'bot_message') return { kind: 'ignore', reason: 'a message from a bot' };
    if (event.subtype !== undefined) return { kind: 'ignore', reason: `message subtype ${JSON.stringify(event.subtype)}` };
    const ownUser = envelope.authorizations?.[0]?.user_id;
    if (event.user !== undefined && event.user === ownUser) return { kind: 'ignore', reason: "the bot's own message" };
    const direct = event.type === 'message' && event.channel_type === 'im';
    if (!direct && event.type !== 'app_mention') return { kind: 'ignore', reason: `event ${String(event.type)} in ${String(event.channel_type)}` };
    if (typeof event.user !== 'string' || typeof event.channel !== 'string' || typeof event.ts !== 'string') {
      throw this.invalid("The event needs 'user', 'channel' and 'ts'.");
    }
    const text = typeof event.text === 'string' ? readableText(event.text) : '';
    if (text === '') return { kind: 'ignore', reason: 'no text' };
    const threadTs = typeof event.thread_ts === 'string' ? event.thread_ts : direct ? undefined : event.ts;
    const address: SlackAddress = threadTs ? { channel: event.channel, threadTs } : { channel: event.channel };
    return {
      kind: 'turn',
      userId: event.user,
      messageId: envelope.event_id,
      input: { kind: 'message', text },
      delivery: 'push',
      acknowledgeWithinMs: SLACK_ACK_MS,
      address: { ...address },
    };
  }

  async deliver(message: OutboundMessage): Promise<void> {
    const address = addressOf(message);
    const { text, choices } = message.reply;
    const list = choices && choices.length > 0 ? `\n${choices.map((c) => `• ${c}`).join('\n')}` : '';
    const blocks = choices ? choiceBlocks(text, choices) : undefined;
    await callSlack(
      this.settings,
      'chat.postMessage',
      {
        channel: address.channel,
        // With blocks, `text` is what notifications and clients without Block Kit show.
        text: escapeText(text) + escapeText(list),
        ...(blocks ? { blocks } : {}),
        ...(address.threadTs ? { thread_ts: address.threadTs } : {}),
      },
      this.deps.fetch,
    );
  }

  /** A click on a choice button (`block_actions`), as the user's message; anything else is ignored. */
  private parseInteraction(raw: Buffer): InboundAction {
    const text = new URLSearchParams(raw.toString('utf8')).get('payload');
    if (text === null) throw this.invalid("An interaction needs a 'payload' field.");
    let payload: unknown;
    try {
      payload = JSON.parse(text);
    } catch {
      throw new ChannelError('INVALID_JSON', "The interaction's payload is not valid JSON.", { channel: this.channel, field: 'payload' });
    }
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) throw this.invalid('The payload must be an interaction.');
    const interaction = payload as SlackInteraction;
    if (interaction.type !== 'block_actions') return { kind: 'ignore', reason: `interaction ${String(interaction.type)}` };
    const action = (Array.isArray(interaction.actions) ? interaction.actions : []).find(
      (a) => typeof a?.action_id === 'string' && a.action_id.startsWith(CHOICE_ACTION),
    );
    if (!action) return { kind: 'ignore', reason: 'not a choice button of this bot' };
    const userId = interaction.user?.id;
    const channel = interaction.channel?.id ?? interaction.container?.channel_id;
    const value = action.value;
    const id = interaction.trigger_id ?? action.action_ts;
    if (typeof userId !== 'string' || typeof channel !== 'string' || typeof value !== 'string' || value === '' || typeof id !== 'string') {
      throw this.invalid("A button click needs 'user.id', 'channel.id', 'trigger_id' and the button's 'value'.");
    }
    const threadTs = interaction.message?.thread_ts ?? interaction.container?.thread_ts;
    const answered = answeredMessage(interaction, value);
    return {
      kind: 'turn',
      userId,
      messageId: `action:${id}`,
      input: { kind: 'message', text: value },
      delivery: 'push',
      acknowledgeWithinMs: SLACK_ACK_MS,
      address: typeof threadTs === 'string' ? { channel, threadTs } : { channel },
      ...(answered ? { afterCommit: () => this.update(channel, answered) } : {}),
    };
  }

  /** Replace a message Parley posted (`chat.update`). */
  private async update(channel: string, message: AnsweredMessage): Promise<void> {
    const { ts, text, blocks } = message;
    await callSlack(this.settings, 'chat.update', { channel, ts, ...(text ? { text } : {}), blocks }, this.deps.fetch);
  }

  private readEnvelope(raw: Buffer): SlackEnvelope {
    let value: unknown;
    try {
      value = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new ChannelError('INVALID_JSON', 'The body is not valid JSON.', { channel: this.channel });
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw this.invalid('The body must be an Events API envelope.');
    return value;
  }

  private invalid(message: string): ChannelError {
    return new ChannelError('INVALID_REQUEST', message, { channel: this.channel });
  }
}

/** A message whose choice was clicked, as it should now read. */
interface AnsweredMessage {
  ts: string;
  /** The notification text as Slack keeps it (already escaped). */
  text: string;
  blocks: unknown[];
}

/**
 * The clicked message with its buttons replaced by the answer (a context line «✓ choice»), from the copy of the message
 * Slack sends with the click. Undefined when the payload does not carry the message's blocks (nothing to replace).
 */
function answeredMessage(interaction: SlackInteraction, choice: string): AnsweredMessage | undefined {
  const ts = interaction.message?.ts ?? interaction.container?.message_ts;
  const blocks = interaction.message?.blocks;
  const isChoices = (block: unknown) => typeof block === 'object' && block !== null && (block as { block_id?: unknown }).block_id === CHOICES_BLOCK;
  if (typeof ts !== 'string' || !Array.isArray(blocks) || !blocks.some(isChoices)) return undefined;
  const answer = { type: 'context', block_id: ANSWER_BLOCK, elements: [{ type: 'plain_text', text: `✓ ${label(choice)}`, emoji: true }] };
  return {
    ts,
    text: typeof interaction.message?.text === 'string' ? interaction.message.text : '',
    blocks: blocks.map((block: unknown) => (isChoices(block) ? answer : block)),
  };
}

/** A signed form post: what Slack sends to the Interactivity Request URL. */
function isForm(request: InboundRequest): boolean {
  const type = request.headers['content-type'];
  return typeof type === 'string' && type.toLowerCase().startsWith('application/x-www-form-urlencoded');
}

/**
 * The reply as Block Kit: its text in a section, its choices as buttons whose value is the choice. Undefined when Slack
 * could not show them as buttons (too many, too long), so the reply goes as text with the choices listed.
 */
function choiceBlocks(text: string, choices: readonly string[]): unknown[] | undefined {
  if (choices.length === 0 || choices.length > MAX_BUTTONS || text.length > MAX_SECTION_TEXT) return undefined;
  if (choices.some((choice) => choice.length === 0 || choice.length > MAX_VALUE)) return undefined;
  return [
    { type: 'section', text: { type: 'plain_text', text, emoji: true } },
    {
      type: 'actions',
      block_id: CHOICES_BLOCK,
      elements: choices.map((choice, i) => ({
        type: 'button',
        action_id: `${CHOICE_ACTION}${i}`,
        text: { type: 'plain_text', text: label(choice), emoji: true },
        value: choice,
      })),
    },
  ];
}

/** A button's label: the choice, cut with `…` to Slack's 75 characters (counted as JavaScript does, never inside a pair). */
function label(choice: string): string {
  if (choice.length <= MAX_LABEL) return choice;
  let cut = '';
  for (const point of choice) {
    if (cut.length + point.length > MAX_LABEL - 1) break;
    cut += point;
  }
  return `${cut}…`;
}

/** The conversation's last address; a push before any message goes to the user's direct conversation. */
function addressOf(message: OutboundMessage): SlackAddress {
  const a = message.address;
  if (a && typeof a === 'object' && !Array.isArray(a) && typeof a.channel === 'string') {
    return typeof a.threadTs === 'string' ? { channel: a.channel, threadTs: a.threadTs } : { channel: a.channel };
  }
  // chat.postMessage to a user id opens (or reuses) the app's direct conversation with them.
  return { channel: message.userId };
}

/** Slack's markup as the user would read it: mentions of users dropped, links as their label, entities decoded. */
export function readableText(text: string): string {
  return text
    .replace(/<@[A-Z0-9]+(\|[^>]*)?>/g, '')
    .replace(/<([^>|]+)\|([^>]+)>/g, '$2')
    .replace(/<([^>]+)>/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .trim();
}

/** Slack's three control characters, escaped as its docs ask. */
function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
