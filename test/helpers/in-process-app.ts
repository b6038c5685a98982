import { connect } from 'node:net';
import type { BotDefinition, NluPort } from '@parley/dialogue-core';
import { createApp, type CreateAppOptions, type ParleyApp } from '../../apps/api/src/app.factory';
import { loadConfig } from '../../apps/api/src/config/app.config';
import { JsonLogger } from '../../apps/api/src/logging/json.logger';

export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789';

/** Start Parley in this Jest worker on the test database, in its own schema, listening on a random port. */
export async function startInProcess(options: {
  bots: readonly BotDefinition[];
  /** Omitted: the server's own NLU wiring (per bot, from its definition). */
  nlu?: NluPort;
  schema: string;
  env?: Record<string, string>;
  extra?: Partial<CreateAppOptions>;
  logs?: string[];
}): Promise<ParleyApp> {
  const config = loadConfig({
    PORT: '0',
    DATABASE_URL: process.env.DATABASE_URL,
    DATABASE_SCHEMA: options.schema,
    ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    LOG_LEVEL: 'info',
    SCHEDULER_POLL_MS: '100',
    OUTBOX_POLL_MS: '100',
    ...options.env,
  });
  const logs = options.logs;
  const logger = new JsonLogger('info', (line) => void logs?.push(line));
  return createApp({ bots: options.bots, nlu: options.nlu, config, logger, ...options.extra });
}

/** JSON POST helper returning status, parsed body and raw text. */
export async function post(
  url: string,
  body: unknown,
  headers: Record<string, string> = { 'content-type': 'application/json' },
): Promise<HttpResult> {
  return read(
    await fetch(url, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) }),
  );
}

/** Send `request` as raw bytes on a new connection (for requests fetch will not make); the answer once it closes. */
export function raw(url: string, request: string): Promise<HttpResult> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(request));
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('utf8')));
    socket.on('error', reject);
    socket.on('close', () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(received)?.[1] ?? 0);
      const text = received.slice(received.indexOf('\r\n\r\n') + 4);
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      resolve({ status, body, text });
    });
  });
}

export async function get(url: string, token?: string): Promise<HttpResult> {
  return read(await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} }));
}

export interface HttpResult {
  status: number;
  body: any;
  text: string;
}

/** Status, raw text and the body parsed as JSON (undefined when it is not JSON). */
async function read(response: Response): Promise<HttpResult> {
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: response.status, body: parsed, text };
}

/** A call to the admin API of the Parley at `url`, with the tests' token: its status and JSON body. */
export async function adminCall(url: string, method: string, path: string): Promise<{ status: number; body: { items?: Record<string, unknown>[] } }> {
  const res = await fetch(`${url}${path}`, { method, headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
  return { status: res.status, body: (await res.json()) as { items?: Record<string, unknown>[] } };
}

/**
 * A conversation's dead letters, once the last failure is recorded (written just after the platform answered); with
 * `expectSome` false, as they are now.
 */
export async function deadLettersOf(url: string, conversationId: string, expectSome = true): Promise<Record<string, unknown>[]> {
  for (let i = 0; ; i++) {
    const items = (await adminCall(url, 'GET', `/api/deliveries/dead?conversation=${conversationId}`)).body.items ?? [];
    if (items.length > 0 || !expectSome || i >= 50) return items;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
