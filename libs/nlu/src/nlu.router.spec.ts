import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createNlu } from './nlu.router';
import type { NluError } from './nlu.error';

const machinesDir = resolve(__dirname, '../../../machines');

describe('createNlu', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer((_req, res) => res.end(JSON.stringify({ intent: { name: 'external.intent', confidence: 0.99 }, entities: [] })));
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((done) => server.close(done)));

  it('dispatches each bot to its own NLU', async () => {
    const errors: NluError[] = [];
    const nlu = createNlu({
      bots: { juice: { kind: 'builtin', locale: 'zh-CN' }, shop: { kind: 'http', url, timeoutMs: 1000 } },
      machinesDir,
      cacheDir: mkdtempSync(join(tmpdir(), 'parley-router-')),
      log: () => undefined,
      onError: (e) => errors.push(e),
    });
    const models = await nlu.warmUp();
    expect(models.map((m) => m.bot)).toEqual(['juice']);
    expect((await nlu.understand('来杯西瓜汁', { bot: 'juice', locale: 'zh-CN', openIntents: [] })).intent).toBe('order.juice');
    expect((await nlu.understand('来杯西瓜汁', { bot: 'shop', locale: 'zh-CN', openIntents: [] })).intent).toBe('external.intent');
    expect(errors).toEqual([]);
  });

  it('rejects a bot that has no NLU configured', async () => {
    const nlu = createNlu({ bots: {}, log: () => undefined });
    await expect(nlu.understand('hi', { bot: 'nobody', locale: 'en', openIntents: [] })).rejects.toMatchObject({
      name: 'NluError',
      code: 'NLU_UNKNOWN_BOT',
    });
  });
});
