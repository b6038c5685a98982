import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './app.config';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

describe('loadConfig: delivery settings', () => {
  test('defaults: 10 tries, 1 s to 5 min backoff, 30 s lease, no callbacks, no webhooks', () => {
    expect(loadConfig({})).toMatchObject({
      outboxMaxAttempts: 10,
      outboxBackoffBaseMs: 1000,
      outboxBackoffCapMs: 300_000,
      outboxLeaseMs: 30_000,
      outboxHttpTimeoutMs: 10_000,
      restCallbacks: {},
      webhooks: [],
    });
  });

  test('REST callbacks and webhooks from the environment and a file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-webhooks-'));
    writeFileSync(join(dir, 'webhooks.json'), JSON.stringify([{ id: 'from-file', url: 'https://b.example/h', events: ['push.sent'], secret: SECRET }]));
    const config = loadConfig(
      {
        OUTBOX_MAX_ATTEMPTS: '3',
        REST_CALLBACKS: JSON.stringify({ juice: { url: 'https://a.example/cb', secret: SECRET }, pizza: { secret: SECRET } }),
        WEBHOOKS: JSON.stringify([{ id: 'crm', url: 'https://crm.example/h', events: ['turn.handled', 'escape'], secret: SECRET, bots: ['juice'] }]),
        WEBHOOKS_FILE: 'webhooks.json',
      },
      dir,
    );
    expect(config.outboxMaxAttempts).toBe(3);
    expect(config.restCallbacks).toEqual({ juice: { url: 'https://a.example/cb', secret: SECRET }, pizza: { secret: SECRET } });
    expect(config.webhooks.map((w) => [w.id, w.events, w.bots])).toEqual([
      ['crm', ['turn.handled', 'escape'], ['juice']],
      ['from-file', ['push.sent'], undefined],
    ]);
  });

  test.each([
    [{ REST_CALLBACKS: '{"juice":{"secret":"plain-text-secret"}}' }, "REST_CALLBACKS: the secret of 'juice' must be \"whsec_\""],
    [{ REST_CALLBACKS: `{"juice":{"url":"ftp://x","secret":"${SECRET}"}}` }, 'REST_CALLBACKS.juice.url must be an http:// or https:// URL'],
    [{ REST_CALLBACKS: '[1]' }, 'REST_CALLBACKS must be a JSON object'],
    [{ WEBHOOKS: '{' }, 'WEBHOOKS is not valid JSON'],
    [{ WEBHOOKS: `[{"id":"a","url":"https://x","events":["turn.done"],"secret":"${SECRET}"}]` }, 'WEBHOOKS[0].events must be a non-empty list of: turn.handled'],
    [{ WEBHOOKS: `[{"id":"a b","url":"https://x","events":["escape"],"secret":"${SECRET}"}]` }, 'WEBHOOKS[0].id must be'],
    [
      { WEBHOOKS: `[{"id":"a","url":"https://x","events":["escape"],"secret":"${SECRET}"},{"id":"a","url":"https://y","events":["escape"],"secret":"${SECRET}"}]` },
      "WEBHOOKS: the id 'a' is used twice",
    ],
    [{ WEBHOOKS_FILE: '/nonexistent/webhooks.json' }, 'WEBHOOKS_FILE cannot be read'],
    [{ OUTBOX_BACKOFF_BASE_MS: '5000', OUTBOX_BACKOFF_CAP_MS: '1000' }, 'OUTBOX_BACKOFF_CAP_MS (1000) must not be below'],
    [{ OUTBOX_LEASE_MS: '5000', OUTBOX_HTTP_TIMEOUT_MS: '5000' }, 'OUTBOX_LEASE_MS (5000) must be longer than OUTBOX_HTTP_TIMEOUT_MS'],
    [{ OUTBOX_MAX_ATTEMPTS: '0' }, 'OUTBOX_MAX_ATTEMPTS must be an integer from 1 to 1000'],
  ])('refuses %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
