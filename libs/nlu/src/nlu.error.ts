export type NluErrorCode =
  | 'NLU_CORPUS_INVALID'
  | 'NLU_CORPUS_NOT_FOUND'
  | 'NLU_UNKNOWN_BOT'
  | 'NLU_TIMEOUT'
  | 'NLU_UNREACHABLE'
  | 'NLU_HTTP_STATUS'
  | 'NLU_BAD_RESPONSE';

/** Every failure of `@parley/nlu`, with a closed `code`, the bot it concerns and the underlying `cause`. */
export class NluError extends Error {
  override readonly name = 'NluError';

  constructor(
    readonly code: NluErrorCode,
    message: string,
    readonly context: { bot?: string; file?: string; url?: string; status?: number } = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
