import type { Pool } from 'pg';
import { emptyRound, type RoundResult } from './turn-load';

/**
 * The physical limit a turn is compared with: a 4 KB jsonb document upserted by id through `pg`, `concurrency`
 * statements in flight (the reference figure of docs/stack.md). Its table lives in the benchmark's schema.
 */
export class UpsertLoad {
  readonly name = 'upsert';
  private sql = '';
  private readonly doc = JSON.stringify({
    items: Array.from({ length: 40 }, (_, i) => ({ i, name: `item-${i}`, text: 'x'.repeat(80) })),
  });

  constructor(
    private readonly pool: Pool,
    private readonly schema: string,
    readonly concurrency: number,
  ) {}

  async prepare(): Promise<void> {
    const table = `"${this.schema}".bench_doc`;
    await this.pool.query(
      `CREATE TABLE ${table} (id text PRIMARY KEY, version integer NOT NULL, doc jsonb NOT NULL, updated_at timestamptz NOT NULL)`,
    );
    this.sql = `INSERT INTO ${table} (id, version, doc, updated_at) VALUES ($1, 1, $2::jsonb, now())
                ON CONFLICT (id) DO UPDATE SET version = bench_doc.version + 1, doc = EXCLUDED.doc, updated_at = now()`;
  }

  async run(ms: number): Promise<RoundResult> {
    const result = emptyRound();
    const started = performance.now();
    const until = started + ms;
    await Promise.all(
      Array.from({ length: this.concurrency }, async () => {
        while (performance.now() < until) {
          const t0 = performance.now();
          try {
            await this.pool.query(this.sql, [`k${Math.floor(Math.random() * 10_000)}`, this.doc]);
            result.latencies.push(performance.now() - t0);
            result.ops++;
          } catch {
            result.errors++;
          }
        }
      }),
    );
    result.seconds = (performance.now() - started) / 1000;
    return result;
  }
}
