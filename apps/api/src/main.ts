import 'reflect-metadata';
import cluster from 'node:cluster';
import { bots } from '@parley/machines';
import { createApp, type ParleyApp } from './app.factory';
import { runCommand } from './cli/command-line';
import { startCommand } from './cli/start.command';
import { syncCaches } from './cluster/cache.sync';
import { shareMetrics } from './cluster/metrics.sync';
import { reportListening, supervise } from './cluster/cluster.supervisor';
import { TurnService } from './turns/turn.service';
import { loadConfig, type AppConfig } from './config/app.config';
import { JsonLogger } from './logging/json.logger';
import { databaseLabel, removeServerFile, writeServerFile } from './ops/server.file';

/**
 * `npm start`: serve the bots of `machines/` on the configured (or embedded) database until SIGINT or SIGTERM; with
 * `WORKERS` > 1 (the default on PostgreSQL: one per core), as a primary process supervising that many workers.
 */
async function main(): Promise<number> {
  let config: AppConfig;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    return failed(error);
  }
  if (cluster.isPrimary && config.workers > 1) return primary(config);
  return serve(config);
}

/** The primary of several workers: it prints the address once they all listen, and keeps the server file. */
function primary(config: AppConfig): Promise<number> {
  return supervise({
    workers: config.workers,
    logger: new JsonLogger(config.logLevel),
    // A generated token is generated once, here: every worker must accept the one printed.
    env: config.adminTokenGenerated ? { ADMIN_TOKEN: config.adminToken } : {},
    onReady: async (url) => {
      await writeServerFile(config, {
        url,
        pid: process.pid,
        adminToken: config.adminToken,
        database: databaseLabel(config),
        startedAt: new Date().toISOString(),
      });
      banner(config, url, `PostgreSQL from DATABASE_URL\n  workers: ${config.workers}`);
    },
    onStopping: () => removeServerFile(config),
  });
}

/** One Parley instance: the whole server in one process, or one worker of several. */
async function serve(config: AppConfig): Promise<number> {
  const worker = cluster.isWorker ? cluster.worker : undefined;
  let parley: ParleyApp;
  try {
    const logger = new JsonLogger(config.logLevel, undefined, worker ? { worker: worker.id } : undefined);
    parley = await createApp({ bots, config, logger });
  } catch (error) {
    return failed(error);
  }
  const { runtime } = parley;
  if (worker) {
    syncCaches(parley.app.get(TurnService));
    shareMetrics(parley.runtime.metrics);
    reportListening(parley.url);
  } else {
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
    banner(config, parley.url, database);
  }
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      runtime.logger.info('shutting down', { signal });
      // The address file goes first: no client should find a server that is closing (a worker has none).
      (worker ? Promise.resolve() : removeServerFile(config))
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

function banner(config: AppConfig, url: string, database: string): void {
  process.stdout.write(
    `Parley listening on ${url}\n` +
      `  database: ${database}\n` +
      `  bots: ${bots.map((b) => `${b.id}@${b.version}`).join(', ') || '(none)'}\n` +
      (config.adminTokenGenerated
        ? `  admin token (generated; set ADMIN_TOKEN to choose one): ${config.adminToken}\n`
        : '  admin token: from ADMIN_TOKEN\n'),
  );
}

function failed(error: unknown): number {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown })?.code;
  process.stderr.write(`Parley could not start${typeof code === 'string' ? ` (${code})` : ''}: ${message}\n`);
  if (process.env.LOG_LEVEL === 'debug' && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  return 1;
}

if (require.main === module) runCommand(startCommand, main);
