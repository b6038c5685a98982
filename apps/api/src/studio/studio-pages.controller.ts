import { Controller, Get, Header, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiError } from '../errors/api.error';
import { webAssets } from './web-assets';

/**
 * The Studio's pages (`/studio`): one page that signs in with the admin token and then reads the admin API. The page
 * holds nothing secret, so it is served without a token; everything it shows comes from `/api/*` with the token,
 * which the page keeps in the tab's `sessionStorage` only (never in a URL, a cookie or a log).
 */
@Controller('studio')
export class StudioPagesController {
  @Get()
  @Header('cache-control', 'no-store')
  async page(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    void reply.header('content-type', 'text/html; charset=utf-8');
    // No third-party anything: scripts and styles from this server only.
    void reply.header(
      'content-security-policy',
      "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'",
    );
    void reply.header('referrer-policy', 'no-referrer');
    return (await webAssets()).html;
  }

  @Get('assets/:file')
  async asset(@Param('file') file: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const assets = await webAssets();
    if (file === 'studio.js') {
      void reply.header('content-type', 'text/javascript; charset=utf-8');
      return assets.js;
    }
    if (file === 'studio.css') {
      void reply.header('content-type', 'text/css; charset=utf-8');
      return assets.css;
    }
    throw new ApiError('ROUTE_NOT_FOUND', `No Studio asset '${file}'.`);
  }
}
