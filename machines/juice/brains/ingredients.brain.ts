/**
 * A stand-in for an external brain (docs/brains.md): what a FAQ service, an LLM agent or a legacy bot behind
 * `delegate`/`brainContext` would answer, as a tiny local HTTP server. The juice bot's `ingredients` context talks to
 * it. Run it, then start Parley pointing at it:
 *
 *   node -r ./scripts/register-ts.js machines/juice/brains/ingredients.brain.ts          # listens on 127.0.0.1:4010
 *   BRAINS='{"ingredients": "http://127.0.0.1:4010/"}' npm start
 *
 * It answers from a table: a flavor it knows → the ingredients and a result `{ flavor }`; no flavor → it asks back
 * and keeps the conversation (`stay: true`).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BrainRequest } from '@parley/dialogue-core';

const INGREDIENTS: Record<string, string> = {
  苹果: '苹果汁: 鲜榨苹果, 不加糖, 不加水。',
  橙子: '橙子汁: 鲜榨橙子, 不加糖, 不加水。',
  西瓜: '西瓜汁: 鲜榨西瓜, 加少许柠檬, 不加糖。',
};

/** The brain itself: a request in, an answer out (the HTTP server below only carries it). */
export function answer(request: BrainRequest): { replies: string[]; result?: Record<string, string>; stay?: true } {
  const flavor = request.message.entities.find((entity) => entity.name === 'flavor')?.value;
  const customer = request.memory.customer as { name?: string } | null | undefined;
  const hello = customer?.name ? `${customer.name}您好, ` : '';
  if (typeof flavor === 'string' && INGREDIENTS[flavor]) {
    return { replies: [`${hello}${INGREDIENTS[flavor]}`], result: { flavor } };
  }
  if (typeof flavor === 'string') return { replies: [`抱歉, 我们没有${flavor}汁。`], result: {} };
  return { stay: true, replies: [`${hello}您想了解哪种果汁的配料? 苹果、橙子还是西瓜?`] };
}

/** Serve `answer` (or another brain) over HTTP on loopback: POST a `BrainRequest` as JSON, get the answer as JSON. */
export function startBrain(
  port = 0,
  brain: (request: BrainRequest) => unknown = answer,
): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      void (async () => {
        try {
          const reply: unknown = await brain(JSON.parse(body) as BrainRequest);
          res.writeHead(200, { 'content-type': 'application/json' }).end(typeof reply === 'string' ? reply : JSON.stringify(reply));
        } catch (error) {
          res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: String(error) }));
        }
      })();
    });
  });
  return new Promise((resolve) => {
    server.listen(port, '127.0.0.1', () => {
      const { port: bound } = server.address() as AddressInfo;
      resolve({ server, url: `http://127.0.0.1:${bound}/` });
    });
  });
}


if (require.main === module) {
  const port = Number(process.env.PORT ?? 4010);
  void startBrain(port).then(({ url }) => console.log(`ingredients brain listening on ${url}`));
}
