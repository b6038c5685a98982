import 'reflect-metadata';
import type { NluPort } from '@parley/dialogue-core';
import { juice } from '../machines/juice';
import { createApp } from '../apps/api/src/app.factory';
import { loadConfig } from '../apps/api/src/config/app.config';
import { JsonLogger } from '../apps/api/src/logging/json.logger';
import { createServerNlu } from '../apps/api/src/nlu/nlu.provider';
import { benchBot, benchNlu } from './bench-bot';

/**
 * A Parley server process for the benchmarks (started by `scripts/bench.ts` and the other bench commands): the juice
 * bot with its real NLU (trained at boot, as `npm start` does), and the bench bot (keywords) whose `lookup` service
 * answers at once and whose `slow` service and NLU for «slowly» take BENCH_SLOW_MS (a dependency that is slow).
 * Answers `{ type: 'memory' }` on its IPC channel (when it has one) with `process.memoryUsage()`, after a full
 * garbage collection when started with --expose-gc (the live heap).
 */
async function main(): Promise<void> {
  const slowMs = Number(process.env.BENCH_SLOW_MS ?? 3000);
  const config = loadConfig(process.env);
  const keywords = benchNlu(slowMs);
  const servedNlu = await createServerNlu([juice], config, new JsonLogger(config.logLevel));
  const nlu: NluPort = {
    understand: (text, options) => (servedNlu(options.bot) ?? keywords).understand(text, options),
  };
  const parley = await createApp({
    bots: [juice, benchBot()],
    nlu,
    services: {
      lookup: async () => 'ok',
      slow: () => new Promise((resolve) => setTimeout(() => resolve('ok'), slowMs)),
    },
    config,
  });
  process.stdout.write(`Parley listening on ${parley.url}\n`);
  process.on('SIGTERM', () => void parley.close().then(() => process.exit(0)));
  process.on('message', (message: { type?: string }) => {
    if (message.type !== 'memory') return;
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    process.send?.({ type: 'memory', usage: process.memoryUsage(), afterGc: gc !== undefined });
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`bench server failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
