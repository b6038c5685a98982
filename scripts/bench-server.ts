import 'reflect-metadata';
import { createApp } from '../apps/api/src/app.factory';
import { loadConfig } from '../apps/api/src/config/app.config';
import { benchBot, benchNlu } from './bench-bot';

/**
 * A Parley server process serving the benchmark bot (started by `scripts/bench.ts`). Its `slow` service and its NLU
 * for «slowly» take BENCH_SLOW_MS (a dependency that is slow).
 */
async function main(): Promise<void> {
  const slowMs = Number(process.env.BENCH_SLOW_MS ?? 3000);
  const parley = await createApp({
    bots: [benchBot()],
    nlu: benchNlu(slowMs),
    services: { slow: () => new Promise((resolve) => setTimeout(() => resolve('ok'), slowMs)) },
    config: loadConfig(process.env),
  });
  process.stdout.write(`Parley listening on ${parley.url}\n`);
  process.on('SIGTERM', () => void parley.close().then(() => process.exit(0)));
}

main().catch((error: unknown) => {
  process.stderr.write(`bench server failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
