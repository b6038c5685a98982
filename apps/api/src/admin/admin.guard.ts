import { timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ApiError } from '../errors/api.error';
import type { Runtime } from '../runtime';
import { RUNTIME } from '../tokens';

/** `/api/*` needs `Authorization: Bearer <ADMIN_TOKEN>` (compared in constant time). */
@Injectable()
export class AdminGuard implements CanActivate {
  private readonly expected: Buffer;

  constructor(@Inject(RUNTIME) runtime: Runtime) {
    this.expected = Buffer.from(runtime.config.adminToken);
  }

  canActivate(context: ExecutionContext): boolean {
    const header = context.switchToHttp().getRequest<FastifyRequest>().headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    const given = Buffer.from(match?.[1] ?? '');
    if (given.length !== this.expected.length || !timingSafeEqual(given, this.expected)) {
      throw new ApiError('UNAUTHORIZED', 'Send the admin token as `Authorization: Bearer <ADMIN_TOKEN>`.');
    }
    return true;
  }
}
