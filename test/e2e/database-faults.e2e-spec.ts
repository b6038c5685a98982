import { Client } from 'pg';
import { conversationIdFor } from '@parley/persistence';
import { TEST_ADMIN_TOKEN } from '../helpers/in-process-app';
import { ownPostgresUnavailable, startOwnPostgres, type OwnPostgres } from '../helpers/own-postgres';
import { spawnServer, type ServerProcess } from '../helpers/server-process';
import { testDatabaseKind } from '../helpers/test-database';

/**
 * Fault injection on a PostgreSQL cluster of the test's own: while 8 users talk to a server process, its database
 * connections are terminated (pg_terminate_backend) and the cluster is stopped and started again. The server must not
 * crash, answer only 200 or 503 DATABASE_UNAVAILABLE (with Retry-After), recover by itself, and have stored every
 * acknowledged message exactly once.
 *
 * Runs in the PostgreSQL pass of the e2e tests (it needs root to run initdb as the postgres user, as CI has).
 */
const unavailable = ownPostgresUnavailable();
const describeFaults = testDatabaseKind() === 'postgres' && !unavailable ? describe : describe.skip;
const USERS = 8;
/** How long the server may take to serve turns again once the database is back. */
const RECOVERY_MS = 20_000;

let cluster: OwnPostgres | undefined;
let server: ServerProcess | undefined;

afterAll(async () => {
  await server?.stop();
  await cluster?.destroy();
});

interface Answer {
  status: number;
  code?: string;
  retryAfter: string | null;
}

async function send(url: string, userId: string, messageId: string): Promise<Answer & { reply?: string }> {
  try {
    const res = await fetch(`${url}/channels/rest/counter`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId, messageId, text: 'add' }),
      signal: AbortSignal.timeout(30_000),
    });
    const body = (await res.json()) as { replies?: { text: string }[]; error?: { code: string } };
    return { status: res.status, code: body.error?.code, retryAfter: res.headers.get('retry-after'), reply: body.replies?.[0]?.text };
  } catch (error) {
    return { status: 0, code: `no answer: ${String(error)}`, retryAfter: null };
  }
}

async function health(url: string): Promise<number> {
  return (await fetch(`${url}/health`, { signal: AbortSignal.timeout(30_000) })).status;
}

describeFaults(`PostgreSQL goes away under load (own cluster)${unavailable ? ` — skipped: ${unavailable}` : ''}`, () => {
  test('no crash, only 200 or 503 with Retry-After, recovery by itself, every acknowledged turn stored exactly once', async () => {
    // Bounded: 8 users × at most 400 messages, each retried at most 200 times; the phases below wait for progress.
    cluster = await startOwnPostgres();
    server = await spawnServer({
      DATABASE_URL: cluster.url,
      ADMIN_TOKEN: TEST_ADMIN_TOKEN,
      DB_POOL_SIZE: '8',
      DB_CONNECT_TIMEOUT_MS: '1000',
      LOG_LEVEL: 'error',
    });
    const url = server.url;
    const answers: Answer[] = [];
    const acked = new Map<string, { messageId: string; reply: string }[]>();
    let ok = 0;
    let stopping = false;
    const waiters: { at: number; resolve: () => void }[] = [];
    let loopsEnded!: () => void;
    const ended = new Promise<void>((resolve) => (loopsEnded = resolve));
    /** Resolves once `n` more messages were acknowledged; fails when every user gave up, or after a minute. */
    const acknowledged = (n: number) =>
      Promise.race([
        new Promise<void>((resolve) => waiters.push({ at: ok + n, resolve })),
        ended.then(() => {
          throw new Error(`Every user stopped. Last answers: ${JSON.stringify(answers.slice(-5))}\n${server!.output().slice(-3000)}`);
        }),
        new Promise<void>((_, reject) =>
          setTimeout(() => reject(new Error(`No progress in 60 s. Last answers: ${JSON.stringify(answers.slice(-5))}\n${server!.output().slice(-3000)}`)), 60_000).unref(),
        ),
      ]);

    // Each user sends messages in order, like a chat client; after a 503 it sends the same message again (its id
    // makes that safe), after the pause the server asked for.
    const users = Array.from({ length: USERS }, (_, u) => `fault-${u}`);
    const loops = users.map(async (user) => {
      acked.set(user, []);
      for (let n = 0; !stopping && n < 400; n++) {
        const messageId = `${user}-${n}`;
        for (let attempt = 0; attempt < 200; attempt++) {
          const answer = await send(url, user, messageId);
          answers.push({ status: answer.status, code: answer.code, retryAfter: answer.retryAfter });
          if (answer.status === 200) {
            acked.get(user)!.push({ messageId, reply: answer.reply! });
            ok++;
            for (const w of waiters.filter((w) => ok >= w.at)) w.resolve();
            break;
          }
          if (answer.status !== 503) return; // recorded: the assertions below fail on it
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
    });
    void Promise.all(loops).then(loopsEnded);

    await acknowledged(40);
    expect(await cluster.terminate()).toBeGreaterThan(0);
    await acknowledged(40);
    expect(await cluster.terminate()).toBeGreaterThan(0);
    await acknowledged(40);

    await cluster.stop();
    // While the database is down: /health says so, the server stays up.
    expect(await health(url)).toBe(503);
    const failedBefore = answers.filter((a) => a.status === 503).length;
    await cluster.start();
    const backAt = Date.now();
    await acknowledged(40);
    const recoveredInMs = Date.now() - backAt;
    expect(await cluster.terminate()).toBeGreaterThan(0);
    await acknowledged(40);
    stopping = true;
    await Promise.all(loops);

    expect(server.child.exitCode).toBeNull();
    expect(server.child.signalCode).toBeNull();
    expect(await health(url)).toBe(200);
    expect(recoveredInMs).toBeLessThan(RECOVERY_MS);
    // The outage was seen, and answered as such.
    expect(failedBefore).toBeGreaterThan(0);
    const unexpected = answers.filter(
      (a) => !(a.status === 200 || (a.status === 503 && a.code === 'DATABASE_UNAVAILABLE' && a.retryAfter !== null)),
    );
    expect(unexpected).toEqual([]);

    // Every acknowledged message is in the transcript exactly once, with the reply it got; nothing else is.
    const db = new Client({ connectionString: cluster.url, application_name: 'parley-test-check' });
    await db.connect();
    try {
      for (const user of users) {
        const { rows } = await db.query<{ seq: number; direction: string; text: string; message_id: string }>(
          `SELECT seq, direction, text, message_id FROM public.transcript WHERE conversation_id = $1 ORDER BY seq`,
          [conversationIdFor('counter', 'rest', user)],
        );
        const inbound = rows.filter((r) => r.direction === 'in').map((r) => r.message_id);
        const mine = acked.get(user)!;
        // A message whose 503 came after its commit was stored once and acknowledged on redelivery: still once.
        expect(inbound).toEqual(mine.map((m) => m.messageId));
        expect(rows.filter((r) => r.direction === 'out').map((r) => r.text)).toEqual(mine.map((m) => m.reply));
        expect(mine.map((m) => m.reply)).toEqual(mine.map((_, i) => `count=${i + 1} v1`));
      }
    } finally {
      await db.end();
    }
  }, 300_000);
});
