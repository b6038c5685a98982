import type { ChannelErrorCode } from '@parley/channels';
import type { DialogueErrorCode } from '@parley/dialogue-core';
import type { NluErrorCode } from '@parley/nlu';
import type { PersistenceErrorCode } from '@parley/persistence';
import type { ApiErrorCode } from './api.error';

/** Every error code Parley can answer with. */
export type ErrorCode = ApiErrorCode | ChannelErrorCode | DialogueErrorCode | PersistenceErrorCode | NluErrorCode;

/**
 * THE mapping from error codes to HTTP statuses (the only one). 4xx: the caller's fault, nothing was stored.
 * 5xx: ours; the response carries an `errorId` that is also in the log.
 */
export const ERROR_STATUS: Readonly<Record<ErrorCode, number>> = Object.freeze({
  // caller
  INVALID_JSON: 400,
  INVALID_XML: 400,
  INVALID_REQUEST: 400,
  TEXT_TOO_LONG: 400,
  BAD_REQUEST: 400,
  TURN_INPUT_INVALID: 400,
  // an external event the bot does not declare (the message names the declared ones)
  EVENT_NOT_DECLARED: 400,
  UNAUTHORIZED: 401,
  SIGNATURE_INVALID: 401,
  BOT_NOT_FOUND: 404,
  // a handoff return for a conversation no human holds
  CONVERSATION_NOT_HELD: 409,
  CONVERSATION_NOT_FOUND: 404,
  IDENTITY_LINK_NOT_FOUND: 404,
  // the user is linked to another identity, or is an identity others are linked to
  IDENTITY_LINK_CONFLICT: 409,
  DELIVERY_NOT_FOUND: 404,
  WEBHOOK_NOT_FOUND: 404,
  // a webhook subscription id that exists, or one the configuration owns
  WEBHOOK_CONFLICT: 409,
  ROUTE_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  REQUEST_TIMEOUT: 408,
  BODY_TOO_LARGE: 413,
  URL_TOO_LONG: 414,
  UNSUPPORTED_MEDIA_TYPE: 415,
  HEADERS_TOO_LARGE: 431,
  // engine and bots
  BOT_DEFINITION_INVALID: 500,
  CONTEXT_DEFINITION_INVALID: 500,
  STATE_UNRECOVERABLE: 500,
  // a newer instance stored this conversation during a rolling deploy: retry (on another instance)
  STATE_FROM_NEWER_VERSION: 503,
  ENGINE_FAILURE: 500,
  TURN_TIMEOUT: 503,
  // a statechart that did not settle; inside a turn it becomes a failure escape, so this is only seen by tools
  TURN_LOOP: 500,
  // NLU
  NLU_CORPUS_INVALID: 500,
  NLU_CORPUS_NOT_FOUND: 500,
  NLU_UNKNOWN_BOT: 500,
  NLU_TIMEOUT: 503,
  NLU_UNREACHABLE: 503,
  NLU_HTTP_STATUS: 502,
  NLU_BAD_RESPONSE: 502,
  // an external brain answered nonsense; inside a turn it becomes a failure escape (and a logged problem)
  BRAIN_ANSWER_INVALID: 502,
  // persistence
  DATA_DIR_LOCKED: 500,
  DATABASE_UNAVAILABLE: 503,
  MIGRATION_FAILED: 500,
  TURN_WRITE_FAILED: 500,
  // ours
  NOT_READY: 503,
  INTERNAL: 500,
});

export function statusOf(code: string): number | undefined {
  return (ERROR_STATUS as Record<string, number>)[code];
}

/** Fastify's own request errors (raised before a route runs) → our codes. */
export const FASTIFY_ERRORS: Readonly<Record<string, ErrorCode>> = Object.freeze({
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_BODY_TOO_LARGE: 'BODY_TOO_LARGE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_INVALID_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'BAD_REQUEST',
  FST_ERR_CTP_INVALID_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_BAD_URL: 'BAD_REQUEST',
  FST_ERR_MAX_PARAM_LENGTH: 'URL_TOO_LONG',
  FST_ERR_ASYNC_CONSTRAINT: 'BAD_REQUEST',
  // Node's HTTP parser (the clientError event), before Fastify has a request.
  ERR_HTTP_REQUEST_TIMEOUT: 'REQUEST_TIMEOUT',
  HPE_HEADER_OVERFLOW: 'HEADERS_TOO_LARGE',
});
