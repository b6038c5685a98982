import cluster, { type Worker } from 'node:cluster';
import type { JsonLogger } from '../logging/json.logger';
import { isCachedMessage } from './cache.sync';
import { serveMetrics } from './metrics.sync';

/** The message a worker sends its primary once it listens (`reportListening`). */
interface ListeningMessage {
  type: 'parley.listening';
  url: string;
}

export interface SupervisorOptions {
  workers: number;
  logger: JsonLogger;
  /** Environment of every worker on top of the primary's (e.g. the admin token the primary generated). */
  env?: Record<string, string>;
  /** Once every worker listens (all on the same port): print the address, write the server file. */
  onReady(url: string): Promise<void> | void;
  /** Before the workers are told to stop (SIGINT, SIGTERM): remove the server file. */
  onStopping?(): Promise<void> | void;
}

/** A replacement that dies before listening is forked again after this, doubling up to `MAX_BACKOFF_MS`. */
const FIRST_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 30_000;

/**
 * `npm start` with `WORKERS` > 1: the primary process forks one worker per core (Node's `cluster`), each a whole
 * Parley instance (HTTP, engine, its own conversation cache and database pool) on the same port. The primary serves
 * nothing itself: it accepts connections and hands them to the workers in turn (cluster's round-robin), relays
 * which conversations each worker committed to the others (`cache.sync.ts`), restarts a worker that dies, and stops
 * them all on SIGINT/SIGTERM. Correctness never depends on which worker takes a turn:
 * the row version and the conversation lock serialize turns across workers as across machines.
 *
 * Resolves with the exit code: 0 after a clean stop, 1 when a worker of the first start fails before listening
 * (a bad configuration or an unreachable database would fail every restart too).
 */
export function supervise(options: SupervisorOptions): Promise<number> {
  const { logger } = options;
  let stopping = false;
  let ready = false;
  let backoffMs = FIRST_BACKOFF_MS;
  const listening = new Set<Worker>();

  return new Promise<number>((resolve) => {
    const finish = (code: number) => {
      if (Object.keys(cluster.workers ?? {}).length === 0) resolve(code);
      else cluster.once('exit', () => finish(code));
    };

    const fork = () => {
      const worker = cluster.fork(options.env);
      worker.on('message', (message: unknown) => {
        if (isCachedMessage(message)) {
          // A worker's commits: the others drop their older copies (cache.sync.ts).
          for (const other of Object.values(cluster.workers ?? {})) if (other && other !== worker && other.isConnected()) other.send(message);
          return;
        }
        if (!isListening(message)) return;
        listening.add(worker);
        backoffMs = FIRST_BACKOFF_MS;
        logger.info('worker started', { worker: worker.id, pid: worker.process.pid, url: message.url });
        if (!ready && listening.size === options.workers) {
          ready = true;
          void Promise.resolve(options.onReady(message.url)).catch((error: unknown) => logger.error('start failed', error));
        }
      });
      worker.on('exit', (code, signal) => {
        const wasListening = listening.delete(worker);
        if (stopping) return;
        logger.warn('worker died', { worker: worker.id, pid: worker.process.pid, code, signal });
        if (!ready && !wasListening) {
          // A worker of the first start could not start: the others would not either. Stop them and fail.
          stop(1);
          return;
        }
        const delay = wasListening ? 0 : backoffMs;
        if (!wasListening) backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
        setTimeout(() => {
          if (!stopping) fork();
        }, delay).unref();
      });
    };

    const stop = (code: number, signal?: string) => {
      if (stopping) return;
      stopping = true;
      if (signal) logger.info('shutting down', { signal, workers: listening.size });
      void Promise.resolve(options.onStopping?.())
        .catch((error: unknown) => logger.error('shutdown failed', error))
        .then(() => {
          for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
          finish(code);
        });
    };

    process.on('SIGINT', () => stop(0, 'SIGINT'));
    process.on('SIGTERM', () => stop(0, 'SIGTERM'));
    serveMetrics();
    for (let i = 0; i < options.workers; i++) fork();
  });
}

/** In a worker: tell the primary this worker listens (no-op in a process of its own). */
export function reportListening(url: string): void {
  if (cluster.isWorker) process.send?.({ type: 'parley.listening', url } satisfies ListeningMessage);
}

function isListening(message: unknown): message is ListeningMessage {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'parley.listening';
}
