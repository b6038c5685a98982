import { TEST_ADMIN_TOKEN, post } from '../helpers/in-process-app';
import { spawnServer, type ServerProcess } from '../helpers/server-process';
import { dropSchema, freshSchema, testDatabaseKind, testDatabaseUrl } from '../helpers/test-database';
import { expectWholeTurns } from '../helpers/transcript-checks';
import { conversationIdFor } from '@parley/persistence';

const schema = freshSchema('crash');
const env = { DATABASE_URL: testDatabaseUrl(), DATABASE_SCHEMA: schema, ADMIN_TOKEN: TEST_ADMIN_TOKEN, DB_POOL_SIZE: '8' };
const started: ServerProcess[] = [];

afterAll(async () => {
  await Promise.all(started.map((s) => s.stop()));
  await dropSchema(schema);
});

interface Sent {
  user: string;
  messageId: string;
  /** The reply text when the server answered 200; undefined when the request died with the server. */
  reply?: string;
}

describe(`kill -9 of a server during load (${testDatabaseKind()})`, () => {
  test('after restart every message that got a 200 is in the transcript exactly once; no turn is half-written', async () => {
    const victim = await spawnServer(env);
    const survivor = await spawnServer(env);
    started.push(victim, survivor);
    const users = Array.from({ length: 6 }, (_, i) => `load-${i}`);
    const sent: Sent[] = [];
    let ok = 0;
    let killed = false;
    const killedAt = new Promise<void>((resolve) => {
      // Each user talks in order (a chat client waits for the answer); the load hits the victim, one user the survivor.
      const loops = users.map(async (user, u) => {
        for (let n = 0; !killed || u === 0; n++) {
          if (u === 0 && n >= 40) break;
          const entry: Sent = { user, messageId: `${user}-${n}` };
          sent.push(entry);
          const target = u === 0 ? survivor : victim;
          try {
            const res = await post(`${target.url}/channels/rest/counter`, { userId: user, messageId: entry.messageId, text: 'add' });
            if (res.status === 200) {
              entry.reply = res.body.replies[0].text as string;
              if (++ok >= 40 && !killed) {
                killed = true;
                void victim.kill().then(resolve);
              }
            }
          } catch {
            if (u !== 0) return; // the victim died mid-request
          }
        }
      });
      void Promise.all(loops);
    });
    await killedAt;
    const restarted = await spawnServer(env);
    started.push(restarted);

    const answered = sent.filter((s) => s.reply !== undefined);
    expect(answered.length).toBeGreaterThanOrEqual(40);
    for (const user of users) {
      const id = conversationIdFor('counter', 'rest', user);
      const lines = await expectWholeTurns(schema, id);
      for (const s of answered.filter((a) => a.user === user)) {
        const ins = lines.filter((l) => l.direction === 'in' && l.message_id === s.messageId);
        expect(ins).toHaveLength(1);
        expect(lines.find((l) => l.seq === ins[0]!.seq + 1)!.text).toBe(s.reply);
      }
      // The state agrees with the transcript: one count per turn, in order.
      expect(lines.filter((l) => l.direction === 'out').map((l) => l.text)).toEqual(
        lines.filter((l) => l.direction === 'out').map((_, i) => `count=${i + 1} v1`),
      );
    }

    // Messages whose answer was lost with the server: the client redelivers them; each takes effect at most once.
    const unknown = sent.filter((s) => s.reply === undefined);
    for (const s of unknown) {
      const res = await post(`${restarted.url}/channels/rest/counter`, { userId: s.user, messageId: s.messageId, text: 'add' });
      expect(res.status).toBe(200);
    }
    for (const user of users) {
      const lines = await expectWholeTurns(schema, conversationIdFor('counter', 'rest', user));
      for (const s of sent.filter((a) => a.user === user)) {
        expect(lines.filter((l) => l.direction === 'in' && l.message_id === s.messageId)).toHaveLength(1);
      }
    }
  });
});
