import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChatServerError, connectToServer } from '../../apps/api/src/cli/chat/remote-chat.transport';
import { openLocalChat } from '../../apps/api/src/cli/chat/local-chat.transport';
import type { ParleyApp } from '../../apps/api/src/app.factory';
import { loadConfig, type AppConfig } from '../../apps/api/src/config/app.config';
import { databaseLabel, writeServerFile } from '../../apps/api/src/ops/server.file';
import { counterBot, counterNlu } from '../fixtures/counter.bot';
import { startInProcess, TEST_ADMIN_TOKEN } from '../helpers/in-process-app';
import { dropSchema, freshSchema, testDatabaseKind } from '../helpers/test-database';

/** Collects pushed replies; `next()` resolves with the next one (awaited, never polled by the test). */
class Pushed {
  private readonly texts: string[] = [];
  private waiting?: (text: string) => void;
  readonly push = (text: string) => {
    if (this.waiting) this.waiting(text);
    else this.texts.push(text);
  };
  next(): Promise<string> {
    const ready = this.texts.shift();
    return ready !== undefined ? Promise.resolve(ready) : new Promise((resolve) => (this.waiting = resolve));
  }
}

describe(`the chat's two ways to a bot (${testDatabaseKind()})`, () => {
  const schema = freshSchema('chat_transport');
  const bot = counterBot();
  let server: ParleyApp;
  let config: AppConfig;

  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'parley-chat-transport-'));
    server = await startInProcess({ bots: [bot], nlu: counterNlu, schema, env: { PARLEY_DATA_DIR: dataDir } });
    config = server.config;
  });

  afterAll(async () => {
    await server.close();
    await dropSchema(schema);
  });

  const announce = (entry: Partial<Parameters<typeof writeServerFile>[1]> = {}) =>
    writeServerFile(config, {
      url: server.url,
      pid: process.pid,
      adminToken: TEST_ADMIN_TOKEN,
      database: databaseLabel(config),
      startedAt: new Date().toISOString(),
      ...entry,
    });

  test('through a running server: replies, the stored state, pushed replies from the transcript', async () => {
    await announce();
    const pushed = new Pushed();
    const remote = (await connectToServer(config, 'counter', 'remote-user', pushed.push, 20))!;
    try {
      expect(remote.via).toBe(`through the server at ${server.url}`);
      expect(await remote.view()).toBeNull();
      expect(await remote.send('add', 'r-1')).toEqual(['count=1 v1']);
      const view = await remote.view();
      expect(view?.activePath).toEqual(['counter.counting']);
      expect(view?.pendingQuestion).toBe('Count is 1. Say add, remind, notify or done.');
      // A timer fires after the turn: the REST channel cannot push, the chat finds the reply in the transcript.
      expect(await remote.send('remind', 'r-2')).toEqual(['I will remind you.']);
      expect(await pushed.next()).toBe('Reminder!');
    } finally {
      await remote.close();
    }
  });

  test('is the same conversation as the local mode: the local chat continues where the remote one left off', async () => {
    await announce();
    const remote = (await connectToServer(config, 'counter', 'both-user', () => undefined))!;
    await remote.send('add', 'b-1');
    await remote.close();
    // The suite's database is a server (or the suite's PGlite socket), so a second Parley can open it beside the first.
    const local = await openLocalChat(
      { bots: [bot], nlu: counterNlu, config: loadConfig({ ...envOf(config), PORT: '0' }) },
      bot,
      'both-user',
      () => undefined,
    );
    try {
      expect(local.conversationId).toBe(remote.conversationId);
      expect((await local.view())?.pendingQuestion).toBe('Count is 1. Say add, remind, notify or done.');
      expect(await local.send('add', 'b-2')).toEqual(['count=2 v1']);
    } finally {
      await local.close();
    }
  });

  test('finds no server when the file is missing, points at a server that is gone, or at another database', async () => {
    const none = loadConfig({ ...envOf(config), PARLEY_DATA_DIR: mkdtempSync(join(tmpdir(), 'parley-no-server-')) });
    expect(await connectToServer(none, 'counter', 'u', () => undefined)).toBeUndefined();
    await announce({ url: 'http://127.0.0.1:1' });
    expect(await connectToServer(config, 'counter', 'u', () => undefined)).toBeUndefined();
    await announce({ database: 'embedded /somewhere/else' });
    expect(await connectToServer(config, 'counter', 'u', () => undefined)).toBeUndefined();
    await announce({ adminToken: 'not-the-token-0123456789' });
    expect(await connectToServer(config, 'counter', 'u', () => undefined)).toBeUndefined();
  });

  test('a server that does not serve the bot is an error, not a silent switch to another database', async () => {
    await announce();
    await expect(connectToServer(config, 'juice', 'u', () => undefined)).rejects.toThrow(
      new ChatServerError(`The server at ${server.url} does not serve 'juice' (it serves counter).`),
    );
  });
  test('locally: pushed replies of its own conversation reach the chat', async () => {
    // Alone on the database: a server beside it could fire the timer and deliver the reply itself.
    await server.close();
    const pushed = new Pushed();
    const local = await openLocalChat(
      { bots: [bot], nlu: counterNlu, config: loadConfig({ ...envOf(config), SCHEDULER_POLL_MS: '50', OUTBOX_POLL_MS: '50' }) },
      bot,
      'local-user',
      pushed.push,
    );
    try {
      expect(local.via).toBe('on PostgreSQL from DATABASE_URL');
      expect(await local.send('remind', 'l-1')).toEqual(['I will remind you.']);
      expect(await pushed.next()).toBe('Reminder!');
    } finally {
      await local.close();
    }
  });
});

/** The environment that gives `config` again (what a chat started beside the server would read). */
function envOf(config: AppConfig): Record<string, string> {
  return {
    DATABASE_URL: config.databaseUrl!,
    DATABASE_SCHEMA: config.databaseSchema,
    PARLEY_DATA_DIR: config.dataDir,
    ADMIN_TOKEN: config.adminToken,
    LOG_LEVEL: 'silent',
  };
}
