import { randomUUID } from 'node:crypto';
import { HttpException } from '@nestjs/common';
import { asDatabaseUnavailable } from '@parley/persistence';
import { describeError, type JsonLogger } from '../logging/json.logger';
import { ERROR_STATUS, FASTIFY_ERRORS, statusOf, type ErrorCode } from './error-table';
import type { Metrics } from '../ops/metrics';

export interface ErrorBody {
  error: { code: string; message: string; errorId?: string; field?: string };
}

/** Seconds a client should wait before retrying a 503 (sent as `Retry-After`). */
export const RETRY_AFTER_SECONDS = 1;

/**
 * Turn any thrown value into `{status, body}`. Known codes go through the error table; Fastify's parse errors
 * and Nest's HttpExceptions are translated; everything else is a 500 with an error id that is logged.
 */
export function toErrorResponse(
  error: unknown,
  logger: JsonLogger,
  metrics: Metrics | undefined,
  where: Record<string, unknown> = {},
): {
  status: number;
  body: ErrorBody;
  /** Response headers beyond the content type (`Retry-After` on a 503). */
  headers: Record<string, string>;
} {
  const response = toResponse(asDatabaseUnavailable(error) ?? error, logger, metrics, where);
  return { ...response, headers: response.status === 503 ? { 'retry-after': String(RETRY_AFTER_SECONDS) } : {} };
}

function toResponse(
  error: unknown,
  logger: JsonLogger,
  metrics: Metrics | undefined,
  where: Record<string, unknown>,
): { status: number; body: ErrorBody } {
  const code = codeOf(error);
  const status = code ? statusOf(code) : undefined;
  if (code && status && status < 500) {
    metrics?.countError(code);
    const field = (error as { context?: { field?: unknown } }).context?.field;
    const framework = error instanceof HttpException || isFrameworkCode((error as { code?: unknown }).code);
    const message = framework ? (FRAMEWORK_MESSAGES[code] ?? (error as Error).message) : (error as Error).message;
    return { status, body: { error: { code, message, ...(typeof field === 'string' ? { field } : {}) } } };
  }
  const errorId = randomUUID();
  const finalCode: ErrorCode = code && status ? (code as ErrorCode) : 'INTERNAL';
  metrics?.countError(finalCode);
  if (status === 503) {
    // Retryable (the database is away, a deploy is rolling, a dependency is slow): say what, no stack in the log.
    logger.warn('request failed, retryable', { errorId, code: finalCode, ...where, err: (error as Error).message });
    return { status, body: { error: { code: finalCode, message: (error as Error).message, errorId } } };
  }
  logger.error('request failed', { errorId, code: finalCode, ...where, err: describeError(error) });
  return {
    status: status ?? ERROR_STATUS.INTERNAL,
    body: { error: { code: finalCode, message: `Internal error (reference ${errorId}).`, errorId } },
  };
}

/** Clearer words than the framework's for the errors it raises itself. */
const FRAMEWORK_MESSAGES: Record<string, string> = {
  BODY_TOO_LARGE: 'The body is larger than 64 KB.',
  UNSUPPORTED_MEDIA_TYPE: 'Send the body as application/json.',
  INVALID_JSON: 'The body is not valid JSON.',
  BAD_REQUEST: 'The request is malformed (for example a URL with broken percent-encoding).',
  URL_TOO_LONG: 'A part of the URL path is longer than 100 characters.',
  HEADERS_TOO_LARGE: 'The request headers are larger than the server accepts (16 KB).',
  REQUEST_TIMEOUT: 'The request did not arrive in time: send it at once.',
};

function isFrameworkCode(code: unknown): boolean {
  return typeof code === 'string' && FASTIFY_ERRORS[code] !== undefined;
}

function codeOf(error: unknown): string | undefined {
  if (!error || typeof error !== 'object') return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (statusOf(code)) return code;
    const mapped = FASTIFY_ERRORS[code];
    if (mapped) return mapped;
  }
  if (error instanceof SyntaxError && (error as { statusCode?: number }).statusCode === 400) return 'INVALID_JSON';
  if (error instanceof HttpException) {
    const status = error.getStatus();
    if (status === 404) return 'ROUTE_NOT_FOUND';
    if (status === 405) return 'METHOD_NOT_ALLOWED';
    if (status === 413) return 'BODY_TOO_LARGE';
    if (status === 415) return 'UNSUPPORTED_MEDIA_TYPE';
    if (status === 401) return 'UNAUTHORIZED';
    if (status >= 400 && status < 500) return 'BAD_REQUEST';
  }
  const statusCode = (error as { statusCode?: unknown }).statusCode;
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    return statusCode === 413 ? 'BODY_TOO_LARGE' : statusCode === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : 'BAD_REQUEST';
  }
  return undefined;
}
