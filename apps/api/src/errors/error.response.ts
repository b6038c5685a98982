import { randomUUID } from 'node:crypto';
import { HttpException } from '@nestjs/common';
import { describeError, type JsonLogger } from '../logging/json.logger';
import { ERROR_STATUS, FASTIFY_ERRORS, statusOf, type ErrorCode } from './error-table';
import type { Metrics } from '../ops/metrics';

export interface ErrorBody {
  error: { code: string; message: string; errorId?: string; field?: string };
}

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
} {
  const code = codeOf(error);
  const status = code ? statusOf(code) : undefined;
  if (code && status && status < 500) {
    metrics?.countError(code);
    const field = (error as { context?: { field?: unknown } }).context?.field;
    const message =
      error instanceof HttpException ? (FRAMEWORK_MESSAGES[code] ?? error.message) : (error as Error).message;
    return { status, body: { error: { code, message, ...(typeof field === 'string' ? { field } : {}) } } };
  }
  const errorId = randomUUID();
  const finalCode: ErrorCode = code && status ? (code as ErrorCode) : 'INTERNAL';
  metrics?.countError(finalCode);
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
};

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
