import { connect, type Socket } from 'node:net';
import type { ParleyApp } from '../../apps/api/src/app.factory';
import { counterBot, counterNlu } from '../fixtures/counter.bot';
import { post, startInProcess } from '../helpers/in-process-app';
import { dropSchema, freshSchema, testDatabaseKind } from '../helpers/test-database';

/** Slow clients are dropped and connections are capped (HTTP_REQUEST_TIMEOUT_MS, HTTP_MAX_CONNECTIONS). */
const schema = freshSchema('http');
const apps: ParleyApp[] = [];

afterAll(async () => {
  await Promise.all(apps.map((app) => app.close()));
  await dropSchema(schema);
});

async function start(env: Record<string, string>): Promise<ParleyApp> {
  const app = await startInProcess({ bots: [counterBot(1)], nlu: counterNlu, schema, env });
  apps.push(app);
  return app;
}

/** A client that sends the headers and then its body one byte at a time, for ever; what it got when it was closed. */
function trickle(url: string): { socket: Socket; closed: Promise<string> } {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  let received = '';
  let timer: NodeJS.Timeout | undefined;
  socket.on('connect', () => {
    socket.write(`POST /channels/rest/counter HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{`);
    timer = setInterval(() => socket.writable && socket.write(' '), 50);
  });
  socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
  socket.on('error', () => undefined);
  const closed = new Promise<string>((resolve) =>
    socket.on('close', () => {
      clearInterval(timer);
      resolve(received);
    }),
  );
  return { socket, closed };
}

describe(`HTTP limits (${testDatabaseKind()})`, () => {
  test('20 clients trickling a body are answered 408 with Parley’s error body and closed; others are served meanwhile', async () => {
    const app = await start({ HTTP_REQUEST_TIMEOUT_MS: '1000' });
    const slow = Array.from({ length: 20 }, () => trickle(app.url));
    // While they trickle, a normal client is served.
    expect((await post(`${app.url}/channels/rest/counter`, { userId: 'fast', text: 'add' })).status).toBe(200);
    const answers = await Promise.all(slow.map((s) => s.closed));
    for (const answer of answers) {
      expect(answer).toMatch(/^HTTP\/1\.1 408 /);
      expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toEqual({
        error: { code: 'REQUEST_TIMEOUT', message: expect.stringMatching(/in time/) as unknown },
      });
    }
  });

  test('connections beyond HTTP_MAX_CONNECTIONS are refused until others end', async () => {
    const app = await start({ HTTP_MAX_CONNECTIONS: '3', HTTP_REQUEST_TIMEOUT_MS: '60000' });
    const holders = Array.from({ length: 3 }, () => trickle(app.url));
    await Promise.all(holders.map((h) => new Promise((resolve) => h.socket.once('connect', resolve))));
    // The server drops a fourth connection without answering.
    const refused = trickle(app.url);
    expect(await refused.closed).toBe('');
    for (const holder of holders) holder.socket.destroy();
    await Promise.all(holders.map((h) => h.closed));
    // Once the server has seen them go (it counts on its side), a request is served again.
    let status = 0;
    for (let attempt = 0; attempt < 100 && status !== 200; attempt++) {
      status = await post(`${app.url}/channels/rest/counter`, { userId: 'later', text: 'add' }).then(
        (r) => r.status,
        () => 0,
      );
    }
    expect(status).toBe(200);
  });
});
