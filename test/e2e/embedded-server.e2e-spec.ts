import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { listeningSockets } from '../helpers/listening-sockets';
import { get, post, TEST_ADMIN_TOKEN } from '../helpers/in-process-app';
import { runToExit, spawnServer, type ServerProcess } from '../helpers/server-process';
import { testDatabaseKind } from '../helpers/test-database';

// The default mode (no DATABASE_URL: PGlite inside the server process, data in PARLEY_DATA_DIR). It does not use the
// suite's database, so it runs once: in the embedded pass of `npm test`.
const describeEmbedded = testDatabaseKind() === 'embedded' ? describe : describe.skip;

describeEmbedded('the embedded database (no DATABASE_URL)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-embedded-'));
  const env = { PARLEY_DATA_DIR: dataDir, ADMIN_TOKEN: TEST_ADMIN_TOKEN, DATABASE_URL: undefined };
  const running: ServerProcess[] = [];

  afterAll(async () => {
    await Promise.all(running.map((s) => s.stop()));
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('the database listens only on a Unix socket only its user may open; a client idle in a transaction cannot stall turns', async () => {
    const own = mkdtempSync(join(tmpdir(), 'parley-embedded-socket-'));
    const server = await spawnServer({ ...env, PARLEY_DATA_DIR: own, TURN_TIME_LIMIT_MS: '500', EMBEDDED_IDLE_IN_TRANSACTION_MS: '1000', EMBEDDED_SHARED_BUFFERS_MB: '16' });
    running.push(server);
    try {
      // No TCP port but the HTTP one; one Unix socket, 0600 in a 0700 directory.
      const { tcpPorts, unixPaths } = listeningSockets(server.pid);
      expect(tcpPorts).toEqual([Number(new URL(server.url).port)]);
      expect(unixPaths).toHaveLength(1);
      const socket = unixPaths[0]!;
      expect(socket).toMatch(/\.s\.PGSQL\.5432$/);
      expect(statSync(socket).mode & 0o777).toBe(0o600);
      expect(statSync(dirname(socket)).mode & 0o777).toBe(0o700);
      if (process.getuid?.() === 0) {
        // Another user cannot even reach it.
        const script = `require('net').connect(${JSON.stringify(socket)}).on('connect', () => { console.log('connected'); process.exit(0); }).on('error', (e) => { console.log(e.code); process.exit(0); })`;
        const { stdout } = await promisify(execFile)('runuser', ['-u', 'nobody', '--', process.execPath, '-e', script]);
        expect(stdout.trim()).toBe('EACCES');
      }
      // This user's client opens a transaction and goes quiet: PGlite runs one transaction at a time, so without the
      // idle limit every turn would wait for it for ever.
      const client = new Client({ host: dirname(socket), port: 5432, user: 'postgres', database: 'postgres' });
      client.on('error', () => undefined);
      await client.connect();
      expect((await client.query<{ shared_buffers: string }>('SHOW shared_buffers')).rows[0]!.shared_buffers).toBe('16MB');
      await client.query('BEGIN');
      await client.query('SELECT 1');
      const turn = await post(`${server.url}/channels/rest/counter`, { userId: 'after-stall', text: 'add' });
      expect(turn.status).toBe(200);
      await expect(client.query('SELECT 1')).rejects.toThrow();
      await client.end().catch(() => undefined);
    } finally {
      await server.stop();
      rmSync(own, { recursive: true, force: true });
    }
  });

  test('creates a new data directory in a short-lived process (the server keeps none of initdb\'s memory), over the leftover of an interrupted creation', async () => {
    const own = mkdtempSync(join(tmpdir(), 'parley-embedded-new-'));
    // What a creation killed half-way leaves behind.
    mkdirSync(join(own, 'pgdata.creating'));
    writeFileSync(join(own, 'pgdata.creating', 'PG_VERSION'), 'half made');
    const server = await spawnServer({ ...env, PARLEY_DATA_DIR: own });
    running.push(server);
    try {
      expect((await post(`${server.url}/channels/rest/counter`, { userId: 'new-dir', text: 'add' })).status).toBe(200);
      expect(readFileSync(join(own, 'pgdata', 'PG_VERSION'), 'utf8').trim()).toMatch(/^\d+$/);
      expect(existsSync(join(own, 'pgdata.creating'))).toBe(false);
      // Creating the data directory inside the server left it at ~900 MB resident for good; opening one costs ~300 MB
      // (~400 MB with PostgreSQL's default shared_buffers).
      const rssKb = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'))![1]);
      expect(rssKb).toBeLessThan(600 * 1024);
    } finally {
      await server.stop();
      rmSync(own, { recursive: true, force: true });
    }
  });

  test('serves turns, refuses a second process on the same data, survives kill -9, and stops cleanly', async () => {
    const first = await spawnServer(env);
    running.push(first);
    expect((await get(`${first.url}/health`)).body).toEqual({ status: 'ok' });
    expect(existsSync(join(dataDir, 'parley.lock'))).toBe(true);

    // A second process on the same data directory fails clearly (PGlite has no lock of its own).
    const second = await runToExit(env, 'test/fixtures/server.entry.ts');
    expect(second.code).not.toBe(0);
    expect(second.output).toMatch(new RegExp(`in use by process ${first.pid}`));

    // Load, then kill -9 while requests are in flight.
    const sent: { user: string; messageId: string; reply?: string }[] = [];
    let ok = 0;
    let killed = false;
    await new Promise<void>((resolve) => {
      for (const user of ['e-0', 'e-1', 'e-2']) {
        void (async () => {
          for (let n = 0; !killed; n++) {
            const entry: { user: string; messageId: string; reply?: string } = { user, messageId: `${user}-${n}` };
            sent.push(entry);
            try {
              const res = await post(`${first.url}/channels/rest/counter`, { userId: user, messageId: entry.messageId, text: 'add' });
              if (res.status === 200) entry.reply = res.body.replies[0].text as string;
              if (++ok >= 20 && !killed) {
                killed = true;
                void first.kill().then(resolve);
              }
            } catch {
              return;
            }
          }
        })();
      }
    });

    // The lock of the killed process is stale: the restart takes it over, and PGlite recovers its data.
    const restarted = await spawnServer(env);
    running.push(restarted);
    for (const s of sent.filter((e) => e.reply === undefined)) {
      const res = await post(`${restarted.url}/channels/rest/counter`, { userId: s.user, messageId: s.messageId, text: 'add' });
      expect(res.status).toBe(200);
    }
    for (const user of ['e-0', 'e-1', 'e-2']) {
      const probe = await post(`${restarted.url}/channels/rest/counter`, { userId: user, messageId: `${user}-probe`, text: 'help' });
      const transcript = await get(`${restarted.url}/api/conversations/${probe.body.conversationId}/transcript`, TEST_ADMIN_TOKEN);
      const items = transcript.body.items as { direction: string; text: string; messageId: string; turn: number; seq: number }[];
      expect(items.map((i) => i.seq)).toEqual(items.map((_, i) => i + 1));
      for (const s of sent.filter((e) => e.user === user)) {
        const ins = items.filter((i) => i.direction === 'in' && i.messageId === s.messageId);
        expect(ins).toHaveLength(1);
        if (s.reply) expect(items[items.indexOf(ins[0]!) + 1]!.text).toBe(s.reply);
      }
      const counts = items.filter((i) => /^count=/.test(i.text)).map((i) => i.text);
      expect(counts).toEqual(counts.map((_, i) => `count=${i + 1} v1`));
    }

    // SIGTERM: clean shutdown, lock released.
    expect(await restarted.stop()).toBe(0);
    expect(existsSync(join(dataDir, 'parley.lock'))).toBe(false);
  });

  test('`npm start` entry: starts on the embedded database with the demo bots and prints the URL and a generated admin token', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-main-'));
    try {
      const server = await spawnServer({ PARLEY_DATA_DIR: dir, LOG_LEVEL: 'warn' }, 'apps/api/src/main.ts');
      running.push(server);
      await new Promise<void>((resolve) => {
        const check = () => (/admin token \(generated[^:]*\): \S{16,}/.test(server.output()) ? resolve() : setTimeout(check, 20));
        check();
      });
      expect(server.output()).toMatch(/database: embedded PostgreSQL in /);
      expect(server.output()).toMatch(/bots: .*juice@\d+/);
      const bots = await get(`${server.url}/api/bots`, /admin token \(generated[^:]*\): (\S+)/.exec(server.output())![1]);
      expect(bots.status).toBe(200);
      expect(await server.stop()).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
