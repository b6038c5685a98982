/** Closed set of engine error codes; `apps/api` maps them to HTTP statuses in one table. */
export type DialogueErrorCode =
  | 'BOT_DEFINITION_INVALID'
  | 'CONTEXT_DEFINITION_INVALID'
  | 'STATE_UNRECOVERABLE'
  | 'STATE_FROM_NEWER_VERSION'
  | 'TURN_INPUT_INVALID'
  | 'TURN_TIMEOUT'
  | 'TURN_LOOP'
  | 'EVENT_NOT_DECLARED'
  | 'CONVERSATION_NOT_HELD'
  | 'BRAIN_ANSWER_INVALID'
  | 'ENGINE_FAILURE';

/** Where an error happened: enough to find the conversation and the state it was in. */
export interface DialogueErrorContext {
  conversationId?: string;
  /** `bot@version` */
  bot?: string;
  /** Context key, e.g. `order`. */
  context?: string;
  /** Active state path, e.g. `order.askingFlavor`. */
  state?: string;
}

/**
 * Base error of `@parley/dialogue-core`: a literal `name`, a closed `code`, the conversation context and the `cause`.
 */
export class DialogueError extends Error {
  override readonly name: string = 'DialogueError';
  constructor(
    readonly code: DialogueErrorCode,
    message: string,
    readonly context: DialogueErrorContext = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The bot or one of its contexts is written wrongly: thrown at definition time, with how to fix it. */
export class DefinitionError extends DialogueError {
  override readonly name = 'DefinitionError';
  constructor(message: string, context: DialogueErrorContext = {}) {
    super(context.context ? 'CONTEXT_DEFINITION_INVALID' : 'BOT_DEFINITION_INVALID', message, context);
  }
}

/** A stored conversation state that cannot be migrated or restored. The turn resets the conversation politely. */
export class UnrecoverableStateError extends DialogueError {
  override readonly name = 'UnrecoverableStateError';
  constructor(message: string, context: DialogueErrorContext = {}, options?: { cause?: unknown }) {
    super('STATE_UNRECOVERABLE', message, context, options);
  }
}

/** The input handed to the turn function is malformed (a bug in the caller, not in the user's message). */
export class TurnInputError extends DialogueError {
  override readonly name = 'TurnInputError';
  constructor(message: string, context: DialogueErrorContext = {}) {
    super('TURN_INPUT_INVALID', message, context);
  }
}

/**
 * The stored state was written by a newer version of the bot than this process runs: during a rolling deploy, an
 * instance still on the old code must not reset a conversation a new instance already moved on. The caller should
 * refuse the turn as temporary (the server answers 503) so that it is retried on an up-to-date instance.
 * To roll a bot back for good, deploy the old code under a higher version number.
 */
export class NewerStateError extends DialogueError {
  override readonly name = 'NewerStateError';
  constructor(stateVersion: number, botVersion: number, context: DialogueErrorContext = {}) {
    super(
      'STATE_FROM_NEWER_VERSION',
      `The conversation was stored by version ${stateVersion} of the bot; this instance runs version ${botVersion}.`,
      context,
    );
  }
}

/**
 * An external event of a type the bot does not handle: refused to the caller (the server answers 400), never recorded
 * as handled. The message names the types the bot declares.
 */
export class UndeclaredEventError extends DialogueError {
  override readonly name = 'UndeclaredEventError';
  constructor(type: string, declared: readonly string[], context: DialogueErrorContext = {}) {
    super(
      'EVENT_NOT_DECLARED',
      declared.length === 0
        ? `The bot declares no external events, so '${type}' cannot be delivered. Handle it with \`events: { '${type}': … }\` in defineBot or an \`'ext.${type}'\` transition in a context.`
        : `The bot does not handle the external event '${type}'. It declares: ${declared.join(', ')}.`,
      context,
    );
  }
}

/** A conversation was to be given back to the bot (`{ kind: 'handoff.return' }`) but no human holds it. */
export class NotHeldError extends DialogueError {
  override readonly name = 'NotHeldError';
  constructor(context: DialogueErrorContext = {}) {
    super(
      'CONVERSATION_NOT_HELD',
      'The conversation is not handed off to a human, so there is nothing to return: it is already with the bot.',
      context,
    );
  }
}
