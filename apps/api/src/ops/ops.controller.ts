import { Controller, Get, Header, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { OutboxDispatcher } from '../outbox/outbox.dispatcher';
import type { Runtime } from '../runtime';
import { RUNTIME } from '../tokens';

/** `GET /health` (DB reachable, migrations applied) and `GET /metrics` (Prometheus text). No token: put them behind your network. */
@Controller()
export class OpsController {
  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    private readonly outbox: OutboxDispatcher,
  ) {}

  @Get('health')
  async health(@Res() reply: FastifyReply): Promise<void> {
    try {
      // The turn path's own pool: healthy means turns can reach the database now.
      await this.runtime.db.pool.query('SELECT 1');
      await reply.status(200).send({ status: 'ok' });
    } catch {
      await reply.status(503).send({ status: 'unavailable' });
    }
  }

  @Get('metrics')
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  async metrics(): Promise<string> {
    const counts = await this.outbox.counts().catch(() => undefined);
    return await this.runtime.metrics.render(counts);
  }
}
