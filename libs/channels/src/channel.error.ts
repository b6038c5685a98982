/** Closed set of channel error codes (all caused by the sender); `apps/api` maps them to HTTP statuses. */
export type ChannelErrorCode =
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'INVALID_JSON'
  | 'INVALID_XML'
  | 'INVALID_REQUEST'
  | 'TEXT_TOO_LONG'
  | 'SIGNATURE_INVALID';

/** Inbound request a channel cannot accept. `field` names the offending field when there is one. */
export class ChannelError extends Error {
  override readonly name = 'ChannelError';
  constructor(
    readonly code: ChannelErrorCode,
    message: string,
    readonly context: { channel: string; field?: string } = { channel: 'unknown' },
  ) {
    super(message);
  }
}
