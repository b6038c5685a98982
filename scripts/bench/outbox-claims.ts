import { openDatabase, OutboxStore } from '@parley/persistence';
import { migrations } from '../../migrations';
import { formatNumber, formatTable, summarize } from './stats';

/** One backlog: conversations whose receiver is down, each with a failed head and items behind it. */
export interface OutboxClaimReport {
  /** Conversations with a lane waiting behind a failed head. */
  lanes: number;
  /** Items behind each head. */
  behind: number;
  /** What one claim (the outbox worker's query, after every turn that writes an item and on every poll) took. */
  claimP50Ms: number;
  claimP99Ms: number;
  claims: number;
}

const CLAIMS = 30;

/**
 * The outbox while a receiver is down (a webhook subscriber, a push channel): `lanes` conversations, each with a head
 * that failed and waits for its retry, and `behind` items written behind it. What a claim costs then, next to a claim
 * on an empty outbox (`lanes` 0): the worker claims after every turn that writes an item, so a claim that looked at
 * every waiting item would slow every turn while the receiver is down. In a schema of its own, dropped at the end.
 */
export async function benchOutboxClaims(databaseUrl: string, sizes: readonly number[], behind = 4): Promise<OutboxClaimReport[]> {
  const reports: OutboxClaimReport[] = [];
  for (const lanes of [0, ...sizes]) {
    const schema = `bench_outbox_${process.pid}_${lanes}`;
    const db = await openDatabase({ url: databaseUrl, dataDir: '.parley-unused', schema, poolSize: 1, migrations });
    try {
      const t = db.tables;
      await db.dataSource.query(
        `INSERT INTO ${t.conversations} (id, bot_id, channel, user_id, bot_version, turns, status, transcript_seq, version, state)
         SELECT 'c' || g, 'bench', 'rest', 'u' || g, 1, 1, 'active', 0, 1, '{}'::jsonb FROM generate_series(1, $1) g`,
        [lanes],
      );
      // Each conversation's webhook events, in turn order: the first will fail, the others wait behind it.
      await db.dataSource.query(
        `INSERT INTO ${t.outbox} (conversation_id, id, turn, kind, target, lane, payload, message_id)
         SELECT 'c' || g, gen_random_uuid(), n + 1, 'webhook', 'audit', 'webhook:audit', '{}'::jsonb, 'c' || g || '/' || n
           FROM generate_series(0, $2) n, generate_series(1, $1) g ORDER BY n, g`,
        [lanes, behind],
      );
      const outbox = new OutboxStore(db);
      // The receiver is down: every head is tried and fails, to be retried in ten minutes.
      for (let heads = await outbox.claim(500, 30_000); heads.length > 0; heads = await outbox.claim(500, 30_000)) {
        for (const head of heads) await outbox.retry(head, 'receiver down', 600_000);
      }
      await db.dataSource.query(`ANALYZE ${t.outbox}`);
      const times: number[] = [];
      for (let i = 0; i < CLAIMS; i++) {
        const started = performance.now();
        const claimed = await outbox.claim(50, 30_000);
        times.push(performance.now() - started);
        if (claimed.length > 0) throw new Error('A claim took an item that waits behind a failed head.');
      }
      const { p50, p99 } = summarize(times);
      reports.push({ lanes, behind: lanes ? behind : 0, claimP50Ms: p50, claimP99Ms: p99, claims: CLAIMS });
    } finally {
      await db.dataSource.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
      await db.close();
    }
  }
  return reports;
}

export function formatOutboxClaims(reports: readonly OutboxClaimReport[]): string {
  return (
    'Outbox claims while a receiver is down (each conversation: a failed head, items behind it):\n' +
    formatTable(
      ['lanes waiting', 'items behind each', 'claim p50 ms', 'claim p99 ms', 'claims'],
      reports.map((r) => [
        formatNumber(r.lanes),
        String(r.behind),
        formatNumber(r.claimP50Ms, 2),
        formatNumber(r.claimP99Ms, 2),
        String(r.claims),
      ]),
    )
  );
}
