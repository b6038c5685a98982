import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { JsonLogger } from '../logging/json.logger';
import type { Metrics } from '../ops/metrics';
import { ApiError } from './api.error';
import { toErrorResponse } from './error.response';

/**
 * Errors Fastify raises before a route runs (a URL with broken percent-encoding, a path parameter over the length
 * limit): answered with Parley's error body like every other error.
 */
export function frameworkErrorHandler(logger: JsonLogger, metrics: Metrics) {
  return (error: Error, request: FastifyRequest, reply: FastifyReply): void => {
    const { status, body, headers } = toErrorResponse(error, logger, metrics, { method: request.method, url: request.url });
    void reply.status(status).headers(headers).header('content-type', 'application/json; charset=utf-8').send(body);
  };
}

/**
 * Errors of Node's HTTP parser, before there is a request at all (headers over the size limit, a request that did not
 * arrive within HTTP_REQUEST_TIMEOUT_MS, a malformed request line): Parley's error body, written on the socket, which
 * is then closed.
 */
export function clientErrorHandler(logger: JsonLogger, metrics: Metrics) {
  return (error: Error & { code?: string }, socket: Socket): void => {
    // A reset connection has nobody to answer.
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const known = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' || error.code === 'HPE_HEADER_OVERFLOW';
    const { status, body } = toErrorResponse(known ? error : new ApiError('BAD_REQUEST', 'The HTTP request is malformed.'), logger, metrics);
    const text = JSON.stringify(body);
    if (socket.writable) {
      socket.write(
        `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nContent-Type: application/json; charset=utf-8\r\n` +
          `Content-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
      );
    }
    socket.destroy();
  };
}
