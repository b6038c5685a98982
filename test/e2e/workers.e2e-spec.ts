import { conversationIdFor } from '@parley/persistence';
import { TEST_ADMIN_TOKEN } from '../helpers/in-process-app';
import { spawnServer, type ServerProcess } from '../helpers/server-process';
import { dropSchema, freshSchema, testDatabaseKind, testDatabaseUrl } from '../helpers/test-database';
import { expectWholeTurns } from '../helpers/transcript-checks';

/**
 * `WORKERS=2`: a primary and two workers on one port (Node's cluster), as `npm start` runs on PostgreSQL. Both
 * workers take turns; a worker killed with SIGKILL under load is replaced, and no acknowledged turn is lost or
 * doubled (the client sends an unanswered message again with the same id, as after any crash).
 */
const schema = freshSchema('workers');
const env = {
  DATABASE_URL: testDatabaseUrl(),
  DATABASE_SCHEMA: schema,
  ADMIN_TOKEN: TEST_ADMIN_TOKEN,
  DB_POOL_SIZE: '4',
  WORKERS: '2',
  LOG_LEVEL: 'info',
};
let server: ServerProcess | undefined;

afterAll(async () => {
  await server?.stop();
  await dropSchema(schema);
});

interface LogLine {
  msg: string;
  worker?: number;
  pid?: number;
}

const logLines = (output: string): LogLine[] =>
  output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);

(testDatabaseKind() === 'postgres' ? describe : describe.skip)('npm start with WORKERS=2 (postgres)', () => {
  test('both workers serve turns; kill -9 of one loses no acknowledged turn, and it is replaced', async () => {
    server = await spawnServer(env);
    const started = logLines(server.output()).filter((l) => l.msg === 'worker started');
    expect(started.map((l) => l.worker).sort()).toEqual([1, 2]);
    const victim = started.find((l) => l.worker === 1)!.pid!;

    // One user, a new connection per message: the workers take turns, and each drops its copy when the other commits
    // (cache.sync.ts), so no turn runs on a stale copy (which the write would refuse).
    for (let n = 0; n < 6; n++) expect((await say(server.url, { userId: 'hopper', messageId: `h${n}`, text: 'add' }))?.reply).toBe(`count=${n + 1} v1`);
    // /metrics answers for both workers, whichever takes the scrape (the primary sums their registries).
    const scrapes = [];
    for (let n = 0; n < 2; n++) scrapes.push(cacheCounts(await (await fetch(`${server.url}/metrics`, { headers: { connection: 'close' } })).text()));
    expect(scrapes[0]).toEqual({ hit: 0, stale: 0, miss: 6 });
    expect(scrapes[1]).toEqual(scrapes[0]);

    const users = Array.from({ length: 6 }, (_, i) => `w-${i}`);
    const answered = new Map<string, string[]>(users.map((u) => [u, []]));
    let acknowledged = 0;
    let killed: Promise<void> | undefined;
    const url = server.url;
    // Each user talks in order and sends an unanswered message again, with the same id, until it is answered.
    await Promise.all(
      users.map(async (user) => {
        for (let n = 0; n < 12; n++) {
          const messageId = `${user}-${n}`;
          for (let attempt = 0; ; attempt++) {
            expect(attempt).toBeLessThan(50);
            const res = await say(url, { userId: user, messageId, text: 'add' });
            if (res?.status !== 200) continue;
            answered.get(user)!.push(res.reply);
            if (++acknowledged === 20) killed = killWorker(victim);
            break;
          }
        }
      }),
    );
    await killed;

    // Each user's turns are whole, once each, in order: the count in the replies is 1..12.
    for (const user of users) {
      expect(answered.get(user)).toEqual(Array.from({ length: 12 }, (_, i) => `count=${i + 1} v1`));
      const lines = await expectWholeTurns(schema, conversationIdFor('counter', 'rest', user));
      const inbound = lines.filter((l) => l.direction === 'in').map((l) => l.message_id);
      expect(inbound).toEqual(Array.from({ length: 12 }, (_, i) => `${user}-${i}`));
    }

    const logs = logLines(server.output());
    // Both workers took turns before the kill (the log says which worker wrote each line).
    const turnWorkers = new Set(logs.filter((l) => l.msg === 'turn').map((l) => l.worker));
    expect(turnWorkers.has(1)).toBe(true);
    expect(turnWorkers.has(2)).toBe(true);
    expect(logs.find((l) => l.msg === 'worker died')).toMatchObject({ worker: 1, pid: victim });
    // The replacement starts (it may still be starting when the load ends).
    await waitFor(() => logLines(server!.output()).some((l) => l.msg === 'worker started' && l.worker === 3));

    // A graceful stop stops every worker and ends the primary with 0.
    expect(await server.stop()).toBe(0);
    server = undefined;
  });
});

/**
 * One message on a new connection (cluster's round-robin spreads connections, not requests), with a timeout as any
 * client needs: a connection the primary was handing to the worker at the moment it died is never answered (Node's
 * cluster keeps it open). Undefined when the request failed or timed out.
 */
async function say(url: string, body: unknown): Promise<{ status: number; reply: string } | undefined> {
  try {
    const res = await fetch(`${url}/channels/rest/counter`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', connection: 'close' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(5000),
    });
    const parsed = (await res.json()) as { replies?: { text: string }[] };
    return { status: res.status, reply: parsed.replies?.[0]?.text ?? '' };
  } catch {
    return undefined;
  }
}

function cacheCounts(text: string): { hit: number; stale: number; miss: number } {
  const n = (result: string) => Number(new RegExp(`^parley_turn_cache_total\\{result="${result}"\\} (\\d+)$`, 'm').exec(text)?.[1]);
  return { hit: n('hit'), stale: n('stale'), miss: n('miss') };
}

async function killWorker(pid: number): Promise<void> {
  process.kill(pid, 'SIGKILL');
}

/** Wait until `check` holds, looking each time the server writes something. */
function waitFor(check: () => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    if (check()) return resolve();
    const timer = setTimeout(() => reject(new Error('timed out')), 60_000);
    const onData = () => {
      if (!check()) return;
      clearTimeout(timer);
      server!.child.stdout!.off('data', onData);
      resolve();
    };
    server!.child.stdout!.on('data', onData);
  });
}
