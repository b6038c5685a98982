import 'reflect-metadata';
import { bots } from '@parley/machines';
import { createApp, type ParleyApp } from './app.factory';
import { runCommand } from './cli/command-line';
import { startCommand } from './cli/start.command';
import { loadConfig } from './config/app.config';
import { databaseLabel, removeServerFile, writeServerFile } from './ops/server.file';

/** `npm start`: serve the bots of `machines/` on the configured (or embedded) database until SIGINT or SIGTERM. */
async function serve(): Promise<number> {
  let parley: ParleyApp;
  try {
    parley = await createApp({ bots, config: loadConfig(process.env) });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const code = (error as { code?: unknown })?.code;
    process.stderr.write(`Parley could not start${typeof code === 'string' ? ` (${code})` : ''}: ${message}\n`);
    if (process.env.LOG_LEVEL === 'debug' && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    return 1;
  }
  const { config, runtime } = parley;
  await writeServerFile(config, {
    url: parley.url,
    pid: process.pid,
    adminToken: config.adminToken,
    database: databaseLabel(config),
    startedAt: new Date().toISOString(),
  });
  const database = parley.db.embedded
    ? `embedded PostgreSQL in ${config.dataDir} (Unix socket in ${parley.db.socketDir}, this user only)`
    : 'PostgreSQL from DATABASE_URL';
  process.stdout.write(
    `Parley listening on ${parley.url}\n` +
      `  database: ${database}\n` +
      `  bots: ${bots.map((b) => `${b.id}@${b.version}`).join(', ') || '(none)'}\n` +
      (config.adminTokenGenerated
        ? `  admin token (generated; set ADMIN_TOKEN to choose one): ${config.adminToken}\n`
        : '  admin token: from ADMIN_TOKEN\n'),
  );
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      runtime.logger.info('shutting down', { signal });
      // The address file goes first: no client should find a server that is closing.
      removeServerFile(config)
        .then(() => parley.close())
        .then(
          () => resolve(0),
          (error: unknown) => {
            runtime.logger.error('shutdown failed', error);
            resolve(1);
          },
        );
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
  });
}

if (require.main === module) runCommand(startCommand, serve);
