import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NluError } from '../nlu.error';
import { HttpNlu } from './http.nlu';

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

/** A real Rasa stand-in on 127.0.0.1:<random port>. */
async function rasa(handler: Handler): Promise<{ url: string; server: Server; requests: { path?: string; body: string }[] }> {
  const requests: { path?: string; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      requests.push({ path: req.url, body });
      handler(req, body, res);
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, requests };
}

const options = { bot: 'shop', locale: 'en', openIntents: [] as string[] };
let server: Server | undefined;

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((done) => server?.close(done) ?? done(undefined));
  server = undefined;
});

describe('HttpNlu (Rasa-compatible)', () => {
  it('posts {text} to /model/parse and maps the Rasa answer', async () => {
    const r = await rasa((_req, _body, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({
        text: 'two large pizzas',
        intent: { name: 'order.pizza', confidence: 0.91 },
        entities: [{ entity: 'size', value: 'large', start: 4, end: 9, extractor: 'DIETClassifier' }, { entity: 'number', value: 2, start: 0, end: 3 }],
        intent_ranking: [{ name: 'order.pizza', confidence: 0.91 }, { name: 'inform', confidence: 0.06 }],
      }));
    });
    server = r.server;
    const u = await new HttpNlu({ url: `${r.url}/` }).understand('two large pizzas', options);
    expect(r.requests).toEqual([{ path: '/model/parse', body: JSON.stringify({ text: 'two large pizzas' }) }]);
    expect(u).toEqual({
      intent: 'order.pizza',
      confidence: 0.91,
      entities: [{ name: 'size', value: 'large', start: 4, end: 9 }, { name: 'number', value: 2, start: 0, end: 3 }],
      alternatives: [{ intent: 'inform', confidence: 0.06 }],
    });
  });

  it('applies the same open-intent preference and threshold as the built-in NLU', async () => {
    const r = await rasa((_req, _body, res) => {
      res.end(JSON.stringify({
        intent: { name: 'greet', confidence: 0.5 },
        entities: [],
        intent_ranking: [{ name: 'greet', confidence: 0.5 }, { name: 'affirm', confidence: 0.4 }],
      }));
    });
    server = r.server;
    const nlu = new HttpNlu({ url: r.url });
    expect((await nlu.understand('hi', options)).intent).toBe('greet');
    expect((await nlu.understand('hi', { ...options, openIntents: ['affirm'] })).intent).toBe('affirm');
    expect((await new HttpNlu({ url: r.url, threshold: 0.6 }).understand('hi', options)).intent).toBeNull();
  });

  it('treats nlu_fallback as not understood', async () => {
    const r = await rasa((_req, _body, res) => res.end(JSON.stringify({ intent: { name: 'nlu_fallback', confidence: 0.7 }, entities: [] })));
    server = r.server;
    const u = await new HttpNlu({ url: r.url }).understand('???', options);
    expect(u.intent).toBeNull();
    expect(u.error).toBeUndefined();
  });

  async function failure(handler: Handler, timeoutMs = 2000): Promise<{ u: Awaited<ReturnType<HttpNlu['understand']>>; seen: NluError[] }> {
    const r = await rasa(handler);
    server = r.server;
    const seen: NluError[] = [];
    const u = await new HttpNlu({ url: r.url, timeoutMs, onError: (e) => seen.push(e) }).understand('hello', options);
    return { u, seen };
  }

  it('turns a timeout into "not understood" with NLU_TIMEOUT, without throwing', async () => {
    const { u, seen } = await failure(() => undefined /* never answers */, 100);
    expect(u).toMatchObject({ intent: null, confidence: 0, entities: [], alternatives: [] });
    expect(u.error?.name).toBe('NluError');
    expect(u.error?.code).toBe('NLU_TIMEOUT');
    expect(seen).toEqual([u.error]);
  });

  it('turns a 500 into NLU_HTTP_STATUS with the status', async () => {
    const { u, seen } = await failure((_req, _body, res) => {
      res.statusCode = 500;
      res.end('boom');
    });
    expect(u.intent).toBeNull();
    expect(u.error).toMatchObject({ code: 'NLU_HTTP_STATUS', context: { status: 500, bot: 'shop' } });
    expect(seen).toHaveLength(1);
  });

  it('turns malformed JSON into NLU_BAD_RESPONSE', async () => {
    const { u } = await failure((_req, _body, res) => res.end('{"intent": '));
    expect(u).toMatchObject({ intent: null, error: { code: 'NLU_BAD_RESPONSE' } });
  });

  it('turns JSON without an intent into NLU_BAD_RESPONSE', async () => {
    const { u } = await failure((_req, _body, res) => res.end('[1,2]'));
    expect(u).toMatchObject({ intent: null, error: { code: 'NLU_BAD_RESPONSE' } });
  });

  it('turns a refused connection into NLU_UNREACHABLE', async () => {
    const r = await rasa(() => undefined);
    await new Promise((done) => r.server.close(done)); // the port is now closed
    const u = await new HttpNlu({ url: r.url }).understand('hello', options);
    expect(u).toMatchObject({ intent: null, error: { code: 'NLU_UNREACHABLE' } });
  });
});
