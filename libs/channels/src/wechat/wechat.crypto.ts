import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { ChannelError } from '../channel.error';

/** WeChat pads to 32-byte blocks (PKCS#7 with k = 32), not to AES's 16. */
const BLOCK = 32;

/**
 * WeChat's message encryption (兼容模式 / 安全模式): AES-256-CBC with the key `base64(EncodingAESKey + "=")`, the IV its
 * first 16 bytes, PKCS#7 padding to 32 bytes, over `16 random bytes · message length (4 bytes, big-endian) · message ·
 * AppID`; the ciphertext in base64 is the `Encrypt` field, signed as `msg_signature` = SHA-1 of the Token, timestamp,
 * nonce and `Encrypt`, sorted as strings and joined.
 */
export class WechatCrypto {
  private readonly key: Buffer;

  constructor(
    encodingAESKey: string,
    private readonly appId: string,
    private readonly token: string,
  ) {
    this.key = Buffer.from(`${encodingAESKey}=`, 'base64');
    if (encodingAESKey.length !== 43 || this.key.length !== 32) throw new Error('An EncodingAESKey is 43 letters and digits.');
  }

  /** The `msg_signature` of an `Encrypt` value. */
  signature(timestamp: string, nonce: string, encrypted: string): string {
    return createHash('sha1').update([this.token, timestamp, nonce, encrypted].sort().join('')).digest('hex');
  }

  /** Refuse (SIGNATURE_INVALID) an `Encrypt` whose `msg_signature` is missing or wrong. */
  verify(query: Readonly<Record<string, string | undefined>>, encrypted: string): void {
    const given = Buffer.from((query.msg_signature ?? '').toLowerCase(), 'utf8');
    const expected = Buffer.from(this.signature(query.timestamp ?? '', query.nonce ?? '', encrypted), 'utf8');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new ChannelError('SIGNATURE_INVALID', 'msg_signature is missing or does not match the encrypted message.', { channel: 'wechat' });
    }
  }

  /** The message inside an `Encrypt` value. Not decryptable, or for another AppID → INVALID_XML (400). */
  decrypt(encrypted: string): string {
    const refuse = (why: string) => new ChannelError('INVALID_XML', `The encrypted message ${why}.`, { channel: 'wechat', field: 'Encrypt' });
    let plain: Buffer;
    try {
      const decipher = createDecipheriv('aes-256-cbc', this.key, this.key.subarray(0, 16)).setAutoPadding(false);
      plain = Buffer.concat([decipher.update(Buffer.from(encrypted, 'base64')), decipher.final()]);
    } catch {
      throw refuse('cannot be decrypted with this EncodingAESKey');
    }
    const pad = plain[plain.length - 1] ?? 0;
    if (pad < 1 || pad > BLOCK || plain.length < 20 + pad) throw refuse('cannot be decrypted with this EncodingAESKey');
    const body = plain.subarray(16, plain.length - pad);
    const length = body.readUInt32BE(0);
    if (4 + length > body.length) throw refuse('cannot be decrypted with this EncodingAESKey');
    if (body.subarray(4 + length).toString('utf8') !== this.appId) throw refuse("is not for this account's AppID");
    return body.subarray(4, 4 + length).toString('utf8');
  }

  /** `message` as an `Encrypt` value (a passive reply in an encrypted mode). */
  encrypt(message: string, random: Buffer = randomBytes(16)): string {
    const text = Buffer.from(message, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(text.length, 0);
    const plain = Buffer.concat([random, length, text, Buffer.from(this.appId, 'utf8')]);
    const pad = BLOCK - (plain.length % BLOCK);
    const cipher = createCipheriv('aes-256-cbc', this.key, this.key.subarray(0, 16)).setAutoPadding(false);
    return Buffer.concat([cipher.update(Buffer.concat([plain, Buffer.alloc(pad, pad)])), cipher.final()]).toString('base64');
  }
}
