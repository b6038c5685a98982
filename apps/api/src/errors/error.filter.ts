import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { JsonLogger } from '../logging/json.logger';
import type { Metrics } from '../ops/metrics';
import { toErrorResponse } from './error.response';

/** Every error thrown by a route becomes `{"error":{"code","message"}}` with the status from the error table. */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  constructor(
    private readonly logger: JsonLogger,
    private readonly metrics: Metrics,
  ) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const { status, body, headers } = toErrorResponse(error, this.logger, this.metrics, {
      method: request.method,
      url: request.url,
    });
    void reply.status(status).headers(headers).header('content-type', 'application/json; charset=utf-8').send(body);
  }
}
