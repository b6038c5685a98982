import 'reflect-metadata';
import { bots } from '@parley/machines';
import { createApp } from './app.factory';
import { loadConfig } from './config/app.config';

/** `npm start`: serve the bots of `machines/` on the configured (or embedded) database. */
async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const parley = await createApp({ bots, config });
  const database = parley.db.embedded
    ? `embedded PostgreSQL in ${config.dataDir} (Unix socket in ${parley.db.socketDir}, this user only)`
    : 'PostgreSQL from DATABASE_URL';
  process.stdout.write(
    `Parley listening on ${parley.url}\n` +
      `  database: ${database}\n` +
      `  bots: ${bots.map((b) => `${b.id}@${b.version}`).join(', ') || '(none)'}\n` +
      (config.adminTokenGenerated ? `  admin token (generated; set ADMIN_TOKEN to choose one): ${config.adminToken}\n` : '  admin token: from ADMIN_TOKEN\n'),
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    parley.runtime.logger.info('shutting down', { signal });
    parley.close().then(
      () => process.exit(0),
      (error: unknown) => {
        parley.runtime.logger.error('shutdown failed', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown })?.code;
  process.stderr.write(`Parley could not start${typeof code === 'string' ? ` (${code})` : ''}: ${message}\n`);
  if (process.env.LOG_LEVEL === 'debug' && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
