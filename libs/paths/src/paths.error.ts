export type PathsErrorCode =
  /** A committed transcript file cannot be read (edited by hand?). */
  | 'PATHS_TRANSCRIPT_INVALID'
  /** A new conversation of the bot fails before anyone says anything. */
  | 'PATHS_BOT_CANNOT_START';

/** Every failure of `@parley/paths`, with a closed `code` and the bot (and file) it concerns. */
export class PathsError extends Error {
  override readonly name = 'PathsError';

  constructor(
    readonly code: PathsErrorCode,
    message: string,
    readonly context: { bot?: string; file?: string } = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
