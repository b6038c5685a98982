/** Errors the HTTP layer raises itself (routing, auth, lookups, readiness). */
export type ApiErrorCode =
  | 'UNAUTHORIZED'
  | 'BOT_NOT_FOUND'
  | 'CONVERSATION_NOT_FOUND'
  | 'IDENTITY_LINK_NOT_FOUND'
  | 'IDENTITY_LINK_CONFLICT'
  | 'DELIVERY_NOT_FOUND'
  | 'WEBHOOK_NOT_FOUND'
  | 'WEBHOOK_CONFLICT'
  | 'ROUTE_NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'BODY_TOO_LARGE'
  | 'URL_TOO_LONG'
  | 'HEADERS_TOO_LARGE'
  | 'REQUEST_TIMEOUT'
  | 'BAD_REQUEST'
  | 'NOT_READY'
  | 'INTERNAL';

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly context: Record<string, unknown> = {},
  ) {
    super(message);
  }
}
