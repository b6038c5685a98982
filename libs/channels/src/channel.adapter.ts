import type { Json, Reply, TurnInput } from '@parley/dialogue-core';

/**
 * The contract every channel implements: verify → parse → (the host runs the turn) → deliver.
 *
 * A channel adapter is plain code with no HTTP framework: the host (`apps/api`, `ChannelController`) hands it the raw
 * request, runs the turn it asks for, and calls `deliver` from the outbox for every reply that is pushed (a platform
 * that answers out of band, a scheduled message, a `yield` result, a push from an external event). The outbox retries
 * a failed delivery with backoff, honours `DeliveryError.retryAfterMs`, keeps each conversation's messages in order and
 * dead-letters a message after the configured number of tries (docs/delivery.md).
 */
export interface ChannelAdapter {
  /** The channel's name: the URL segment (`/channels/<channel>/:botId`) and the conversations' `channel`. */
  readonly channel: string;
  /** Throw a `ChannelError` (`SIGNATURE_INVALID`, …) when the request is not from the platform. */
  verify(request: InboundRequest): void | Promise<void>;
  /** What the request asks for: a turn, an answer of the adapter's own (a handshake), or nothing (ignored update). */
  parse(request: InboundRequest): InboundAction | Promise<InboundAction>;
  /**
   * The HTTP answer after the turn ran (`delivery: 'response'`: its replies), was accepted (`delivery: 'push'`:
   * undefined), or, with `passive`, with the replies answered in the response (none when the window passed).
   * Absent: `200 {"ok":true}`.
   */
  respond?(turn: InboundTurn, replies: readonly Reply[] | undefined): ChannelResponse;
  /**
   * Send one pushed message to the platform. Resolve only when the platform accepted it; throw a `DeliveryError`
   * otherwise. `message.messageId` is the same on every try: send it as the platform's idempotency key where it has one.
   */
  deliver(message: OutboundMessage): Promise<void>;
}

/** A raw inbound HTTP request, as the host received it. */
export interface InboundRequest {
  botId: string;
  method: string;
  /** Lower-case header names. */
  headers: Readonly<Record<string, string | string[] | undefined>>;
  query: Readonly<Record<string, string | undefined>>;
  /** The body's bytes, exactly as sent (signatures are computed over them). */
  rawBody: Buffer;
  /** When the host received the request (signature age checks use it, not the adapter's own clock). */
  receivedAt: Date;
}

/** A user message or event to run as a turn. */
export interface InboundTurn {
  kind: 'turn';
  /** The platform's user id (with the bot id and channel it names the conversation). */
  userId: string;
  /** The platform's id of this message or update: redeliveries carry the same one and are answered once. */
  messageId: string;
  input: TurnInput;
  /**
   * `response`: the turn's replies go back in this HTTP response (`respond`). `push`: the request is acknowledged at
   * once and the replies go through the outbox to `deliver` (platforms that want a fast acknowledgement).
   */
  delivery: 'response' | 'push';
  /**
   * `push` only: the platform's deadline for the acknowledgement (Slack: 3 s). A turn still running this long after
   * the request arrived is acknowledged anyway and goes on; its replies are pushed when it commits. Absent: the
   * acknowledgement waits for the commit (a failed turn then gets an error status and the platform sends it again).
   */
  acknowledgeWithinMs?: number;
  /** Where replies go on the platform (a chat id, a thread), kept with the conversation for later pushes. */
  address?: Json;
  /**
   * With `delivery: 'push'`, for platforms that take the first replies in the HTTP response when it comes in time
   * (WeChat's passive reply, within its 5 s): the host waits up to `windowMs` after `receivedAt` for the turn. A turn
   * written in time sends its first `accepts(replies)` replies in the response (`respond`) and only the others through
   * the outbox; a turn written later pushes them all, and the response (`respond(turn, [])`) goes out at the window's
   * end while the turn goes on. The choice is made as the turn is written, so each reply goes exactly one way.
   */
  passive?: PassiveReply;
  /**
   * Something to change on the platform once the turn is written, the first time only (never for a redelivery): Slack
   * replaces the clicked message's buttons with the answer. Best effort: the host logs a failure and does not retry
   * it, because it only tidies what the user sees (the replies themselves go through the outbox).
   */
  afterCommit?: () => Promise<void>;
}

export interface PassiveReply {
  windowMs: number;
  /** How many of the turn's first replies the platform takes in the response (0 when the first does not fit). */
  accepts(replies: readonly Reply[]): number;
}

export type InboundAction =
  | InboundTurn
  /** The adapter answers by itself (a URL verification, an `echostr` handshake). */
  | { kind: 'answer'; response: ChannelResponse }
  /** Nothing to do (the bot's own message, an unsupported update): acknowledged so the platform does not retry. */
  | { kind: 'ignore'; reason: string; response?: ChannelResponse };

export interface ChannelResponse {
  status: number;
  contentType?: string;
  body: string | Json;
}

/** One pushed reply to deliver. */
export interface OutboundMessage {
  botId: string;
  channel: string;
  conversationId: string;
  userId: string;
  /** The idempotency key: the same on every try of this message. */
  messageId: string;
  reply: Reply;
  /** Where the conversation's last inbound message came from (`InboundTurn.address`). */
  address?: Json;
  /** 1 on the first try. */
  attempt: number;
}

/** A failed delivery. `retryAfterMs`: the platform asked to wait (429 `Retry-After`); `permanent`: do not retry. */
export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';
  readonly retryAfterMs?: number;
  readonly permanent: boolean;
  readonly status?: number;
  constructor(message: string, options: { retryAfterMs?: number; permanent?: boolean; status?: number } = {}) {
    super(message);
    this.retryAfterMs = options.retryAfterMs;
    this.permanent = options.permanent ?? false;
    this.status = options.status;
  }
}
