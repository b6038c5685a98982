import { randomInt } from 'node:crypto';
import type { Json, Reply } from '@parley/dialogue-core';
import type { ChannelAdapter, ChannelResponse, InboundAction, InboundRequest, InboundTurn, OutboundMessage, PassiveReply } from '../channel.adapter';
import { ChannelError } from '../channel.error';
import type { ChannelDeps } from '../settings/channel.plugin';
import { WechatApi } from './wechat.api';
import type { WechatSettings } from './wechat.settings';
import { verifyWechatSignature } from './wechat.signature';
import { replyText, splitText, WECHAT_TEXT_MAX_BYTES } from './wechat.text';
import { WechatCrypto } from './wechat.crypto';
import { encryptedReplyXml, parseWechatXml, passiveTextXml, readEncrypt, type WechatInbound } from './wechat.xml';

/** What WeChat takes as "answered, nothing to show": it does not retry and shows the user nothing. */
const SUCCESS: ChannelResponse = { status: 200, contentType: 'text/plain; charset=utf-8', body: 'success' };
const XML = 'application/xml; charset=utf-8';
/** Messages whose parts were partly sent, kept to resume after the part that failed (bounded). */
const PARTS_KEPT = 10_000;

/** Where a WeChat conversation's replies go, kept in its pushed replies' outbox items. */
interface WechatAddress {
  /** The user's OpenID (the customer-service message's `touser`). */
  openId: string;
  /** The account's original id (`gh_…`), the sender of passive replies. */
  account: string;
  /** The message came encrypted: its passive reply is encrypted too. */
  encrypted?: boolean;
}

/**
 * The WeChat Official Account channel, docs/channels.md:
 * - every request is signed (`signature` of token/timestamp/nonce, timestamp within 5 minutes); the first `GET` with
 *   `echostr` is WeChat's check of the URL, answered with the echo; with an EncodingAESKey, a message sent encrypted
 *   (`encrypt_type=aes`) is checked (`msg_signature`), decrypted, and answered encrypted;
 * - a text message (or a voice message WeChat transcribed) is a turn, `MsgId` its dedupe id; `subscribe` and
 *   `unsubscribe` are the external events `ext.subscribe` / `ext.unsubscribe` (dedupe id: sender + CreateTime);
 *   pictures, locations… get the fallback text; other events are acknowledged;
 * - replies: the first goes back in the HTTP response when the turn is written within the passive window (WeChat
 *   takes one message there), everything else through the outbox to the customer-service message API.
 */
export class WechatChannelAdapter implements ChannelAdapter {
  readonly channel = 'wechat';
  private readonly api: WechatApi;
  private readonly passive: PassiveReply;
  private readonly partsSent = new Map<string, number>();
  private readonly crypto?: WechatCrypto;

  constructor(
    readonly settings: WechatSettings,
    deps: Partial<Pick<ChannelDeps, 'fetch' | 'now'>> = {},
  ) {
    this.api = new WechatApi({ appId: settings.appId, appSecret: settings.appSecret, apiBaseUrl: settings.apiBaseUrl, ...deps });
    if (settings.encodingAESKey) this.crypto = new WechatCrypto(settings.encodingAESKey, settings.appId, settings.token);
    this.passive = {
      windowMs: settings.passiveReplyWindowMs,
      // One message, and only if it fits in one: a longer first reply goes in parts through the outbox.
      accepts: (replies: readonly Reply[]) =>
        replies.length > 0 && Buffer.byteLength(replyText(replies[0]!, settings.choiceStyle), 'utf8') <= WECHAT_TEXT_MAX_BYTES ? 1 : 0,
    };
  }

  verify(request: InboundRequest): void {
    verifyWechatSignature(this.settings.token, request.query, request.receivedAt);
  }

  parse(request: InboundRequest): InboundAction {
    if (request.method === 'GET') {
      const echo = request.query.echostr;
      if (typeof echo !== 'string' || echo === '') {
        throw new ChannelError('INVALID_REQUEST', "A GET from WeChat is its URL check and carries 'echostr'.", { channel: 'wechat', field: 'echostr' });
      }
      return { kind: 'answer', response: { status: 200, contentType: 'text/plain; charset=utf-8', body: echo } };
    }
    const encrypted = request.query.encrypt_type === 'aes';
    const inbound = parseWechatXml(encrypted ? this.decrypt(request) : request.rawBody);
    const address: WechatAddress = { openId: inbound.fromUserName, account: inbound.toUserName, ...(encrypted ? { encrypted } : {}) };
    const turn = (messageId: string, input: InboundTurn['input']): InboundTurn => ({
      kind: 'turn',
      userId: inbound.fromUserName,
      messageId,
      input,
      delivery: 'push',
      address: address as unknown as Json,
      passive: this.passive,
    });
    switch (inbound.kind) {
      case 'text':
        return turn(inbound.msgId, { kind: 'message', text: inbound.content });
      case 'voice':
        if (inbound.recognition) return turn(inbound.msgId, { kind: 'message', text: inbound.recognition });
        return { kind: 'answer', response: this.passiveXml(inbound, this.settings.unsupportedText, encrypted) };
      case 'other':
        return { kind: 'answer', response: this.passiveXml(inbound, this.settings.unsupportedText, encrypted) };
      case 'event':
        return this.event(inbound, turn);
    }
  }

  respond(turn: InboundTurn, replies: readonly Reply[] | undefined): ChannelResponse {
    // An unsubscribe's turn: the user can no longer be written to, its replies stay in the transcript.
    if (turn.delivery === 'response') return SUCCESS;
    const first = replies?.[0];
    const address = turn.address as unknown as WechatAddress | undefined;
    if (!first || !address) return SUCCESS;
    return this.passiveXml({ toUserName: address.account, fromUserName: address.openId }, replyText(first, this.settings.choiceStyle), address.encrypted);
  }

  /** Push one reply through the customer-service message API, in parts of at most 2048 bytes. */
  async deliver(message: OutboundMessage): Promise<void> {
    const address = message.address as unknown as WechatAddress | undefined;
    const openId = address?.openId ?? message.userId;
    const parts = splitText(replyText(message.reply, this.settings.choiceStyle));
    // A retry after a part failed starts after the parts this process already sent (WeChat has no idempotency key).
    let sent = this.partsSent.get(message.messageId) ?? 0;
    while (sent < parts.length) {
      await this.api.sendText(openId, parts[sent]!);
      sent++;
      if (sent < parts.length) this.remember(message.messageId, sent);
    }
    this.partsSent.delete(message.messageId);
  }

  private event(inbound: WechatInbound & { kind: 'event' }, turn: (messageId: string, input: InboundTurn['input']) => InboundTurn): InboundAction {
    const messageId = `${inbound.fromUserName}:${inbound.createTime}:${inbound.event}`;
    if (inbound.event === 'subscribe') {
      // A subscription by scanning a QR code with a scene value carries it as `qrscene_<scene>`.
      const scene = inbound.eventKey?.startsWith('qrscene_') ? inbound.eventKey.slice('qrscene_'.length) : undefined;
      return turn(messageId, { kind: 'event', event: { type: 'subscribe', ...(scene ? { scene } : {}) } });
    }
    if (inbound.event === 'unsubscribe') {
      // The bot hears of it (to forget the user, say), but the user can no longer be written to: nothing is pushed.
      return { ...turn(messageId, { kind: 'event', event: { type: 'unsubscribe' } }), delivery: 'response', passive: undefined };
    }
    return { kind: 'ignore', reason: `WeChat event '${inbound.event}' is not handled`, response: SUCCESS };
  }

  private passiveXml(inbound: { toUserName: string; fromUserName: string }, text: string, encrypted = false): ChannelResponse {
    const now = new Date();
    const xml = passiveTextXml(inbound, text, now);
    if (!encrypted || !this.crypto) return { status: 200, contentType: XML, body: xml };
    const encrypt = this.crypto.encrypt(xml);
    const timestamp = String(Math.floor(now.getTime() / 1000));
    const nonce = String(randomInt(1e9));
    return { status: 200, contentType: XML, body: encryptedReplyXml(encrypt, this.crypto.signature(timestamp, nonce, encrypt), timestamp, nonce) };
  }

  /** An encrypted mode's message (`encrypt_type=aes`): its `msg_signature` checked, then decrypted. */
  private decrypt(request: InboundRequest): string {
    if (!this.crypto) {
      throw new ChannelError(
        'INVALID_REQUEST',
        "The message is encrypted (encrypt_type=aes) but this bot's wechat channel has no encodingAESKey: set it, or choose 明文模式 on the account's server configuration page.",
        { channel: 'wechat', field: 'encrypt_type' },
      );
    }
    const encrypt = readEncrypt(request.rawBody);
    this.crypto.verify(request.query, encrypt);
    return this.crypto.decrypt(encrypt);
  }

  private remember(messageId: string, sent: number): void {
    if (this.partsSent.size >= PARTS_KEPT) this.partsSent.delete(this.partsSent.keys().next().value!);
    this.partsSent.set(messageId, sent);
  }
}
