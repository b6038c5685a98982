import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { homeContext, defineBot, reply } from '@parley/dialogue-core';
import type { ParleyApp } from '../../apps/api/src/app.factory';
import { get, post, startInProcess, TEST_ADMIN_TOKEN } from '../helpers/in-process-app';
import { dropSchema, freshSchema, testDatabaseKind } from '../helpers/test-database';

/**
 * A bot that chose an external, Rasa-compatible NLU in its definition. A local HTTP server stands in for Rasa:
 * `POST /model/parse` answers like Rasa does, hangs for texts containing "slow", and fails for "boom".
 */
describe(`a bot understood by an external NLU over HTTP (${testDatabaseKind()})`, () => {
  const schema = freshSchema('extnlu');
  const parsed: string[] = [];
  let rasa: Server;
  let parley: ParleyApp;

  beforeAll(async () => {
    rasa = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const { text } = JSON.parse(body) as { text: string };
        parsed.push(text);
        if (req.url !== '/model/parse') return void res.writeHead(404).end();
        if (text.includes('slow')) return; // never answers: the adapter's timeout must fire
        if (text.includes('boom')) return void res.writeHead(500).end('internal error');
        const intent = /hello/.test(text) ? 'greet' : 'nlu_fallback';
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(
            JSON.stringify({
              text,
              intent: { name: intent, confidence: 0.97 },
              entities: [],
              intent_ranking: [{ name: intent, confidence: 0.97 }],
            }),
          );
      });
    });
    await new Promise<void>((resolve) => rasa.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(rasa.address() as AddressInfo).port}`;
    const home = homeContext({ prompt: 'What now?' });
    const bot = defineBot({
      id: 'remote',
      version: 1,
      home: 'home',
      contexts: [home],
      intents: { greet: reply('Hello from a bot understood by Rasa.') },
      nlu: { kind: 'http', url, timeoutMs: 300 },
    });
    // no `nlu` option: the server's own wiring picks the adapter from the bot's definition
    parley = await startInProcess({ bots: [bot], schema });
  });

  afterAll(async () => {
    await parley?.close();
    rasa?.close();
    await dropSchema(schema);
  });

  const say = (text: string) => post(`${parley.url}/channels/rest/remote`, { userId: 'u', text });

  it('asks the external NLU and acts on its intent', async () => {
    const res = await say('hello there');
    expect(res.status).toBe(200);
    expect(res.body.replies.map((r: { text: string }) => r.text)).toEqual([
      'Hello from a bot understood by Rasa.',
      'What now?',
    ]);
    expect(parsed).toContain('hello there');
  });

  it('a timeout or a failing NLU makes the turn "not understood"; the server stays up', async () => {
    for (const text of ['slow please', 'boom']) {
      const res = await say(text);
      expect(res.status).toBe(200);
      expect(res.body.replies.map((r: { text: string }) => r.text)).toEqual([
        "Sorry, I didn't understand that.",
        'What now?',
      ]);
    }
    expect((await get(`${parley.url}/health`)).status).toBe(200);
    expect((await get(`${parley.url}/api/bots`, TEST_ADMIN_TOKEN)).status).toBe(200);
    expect((await say('hello again')).body.replies[0].text).toBe('Hello from a bot understood by Rasa.');
  });
});
