import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { MIN_WEBCHAT_SECRET_LENGTH } from '@parley/channels';
import { parseCallbackUrl, webhookKey } from '@parley/channels';
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from '../webhooks/webhook.events';
import { readChannelsFile, type ConfiguredChannel } from '../channels/channel.config';
import { CHANNEL_PLUGINS } from '../channels/channel.registry';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

/** Everything Parley reads from the environment, validated once at boot and frozen. */
export interface AppConfig {
  readonly port: number;
  readonly host: string;
  /** PostgreSQL server; undefined → embedded PGlite in `dataDir`. */
  readonly databaseUrl?: string;
  readonly databaseSchema: string;
  readonly dbPoolSize: number;
  /** Embedded database: a connection idle this long inside a transaction is closed (it would stall every turn). */
  readonly embeddedIdleInTransactionMs: number;
  /** Embedded database: PostgreSQL's `shared_buffers`, in MB (held in the server process's memory from the start). */
  readonly embeddedSharedBuffersMb: number;
  /** How long a turn waits for a database connection before answering 503 DATABASE_UNAVAILABLE. */
  readonly dbConnectTimeoutMs: number;
  readonly dataDir: string;
  readonly adminToken: string;
  /** True when `adminToken` was generated at this start (it is printed). */
  readonly adminTokenGenerated: boolean;
  readonly logLevel: LogLevel;
  /** REST channel: bots that require signed requests, with their shared secrets (`REST_CHANNEL_SECRETS`). */
  readonly restChannelSecrets: Readonly<Record<string, string>>;
  readonly turnTimeLimitMs: number;
  /** HTTP: the whole request (headers and body) must arrive within this (else 408); slow clients are dropped. */
  readonly httpRequestTimeoutMs: number;
  /** HTTP: a connection idle this long is closed (longer than a turn may take). */
  readonly httpIdleTimeoutMs: number;
  /** HTTP: an idle keep-alive connection is closed after this. */
  readonly httpKeepAliveTimeoutMs: number;
  /** HTTP: connections open at once; more are refused (closed) until some end. */
  readonly httpMaxConnections: number;
  readonly schedulerPollMs: number;
  readonly outboxPollMs: number;
  /** `npm start`: worker processes on the port (1 = one process, no cluster). */
  readonly workers: number;
  /** Megabytes of conversation state each worker keeps for one-round-trip turns (estimated; 0 = no cache). */
  readonly cacheMaxMb: number;
  /** How long an instance trusts a resolved identity link when it hears of no change (`IDENTITY_CACHE_MS`). */
  readonly identityCacheMs: number;
  /** Web chat: the key its tokens are signed with (`WEBCHAT_SECRET`); undefined → generated once per data dir. */
  readonly webchatSecret?: string;
  /** Web chat: the bots that have one (`WEBCHAT_BOTS`); undefined → every bot. */
  readonly webchatBots?: readonly string[];
  /** Web chat: the sites that may embed its page, as CSP `frame-ancestors` sources (`WEBCHAT_FRAME_ANCESTORS`). */
  readonly webchatFrameAncestors: string;
  /** The channels file (`CHANNELS_FILE`), if any. */
  readonly channelsFile?: string;
  /** The platform channels it enables, validated (docs/channels.md). */
  readonly channels: readonly ConfiguredChannel[];
  /** External brains by name (`BRAINS`, docs/brains.md): where bots' `delegate` stages send messages. */
  readonly brains: Readonly<Record<string, BrainEndpoint>>;
  /** Tries of an outbox item before it becomes a dead letter (docs/delivery.md). */
  readonly outboxMaxAttempts: number;
  /** Retry delay: a random time up to `min(cap, base × 2^(tries − 1))` (exponential backoff, full jitter). */
  readonly outboxBackoffBaseMs: number;
  readonly outboxBackoffCapMs: number;
  /** How long a claimed item is held by its instance before another one may take it (the instance died). */
  readonly outboxLeaseMs: number;
  /** An HTTP receiver (REST callback, webhook) must answer within this. */
  readonly outboxHttpTimeoutMs: number;
  /** REST channel pushes: per bot, the callback URL (optional: requests may give one) and its `whsec_…` secret. */
  readonly restCallbacks: Readonly<Record<string, RestCallbackConfig>>;
  /** Event webhook subscriptions from the configuration (`WEBHOOKS`, `WEBHOOKS_FILE`). */
  readonly webhooks: readonly WebhookConfig[];
}

/** One external brain: its URL (POSTed the brain request) and how long it may take (at most the turn's limit). */
export interface BrainEndpoint {
  readonly url: string;
  readonly timeoutMs: number;
}

export interface RestCallbackConfig {
  readonly url?: string;
  readonly secret: string;
}

export interface WebhookConfig {
  readonly id: string;
  readonly url: string;
  readonly secret: string;
  readonly events: readonly WebhookEventType[];
  /** Only these bots' conversations (absent: every bot). */
  readonly bots?: readonly string[];
}

/** A setting that is missing or malformed: start-up stops with this message. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'CONFIG_INVALID';
}

type Env = Record<string, string | undefined>;

/** The variables `loadConfig` reads, with their defaults: `npm start -- --help` prints them (docs/server.md#environment). */
export const ENVIRONMENT: Readonly<Record<string, string>> = {
  PORT: 'HTTP port, 0 = any free port (default 3000)',
  HOST: 'interface to listen on (default 127.0.0.1)',
  DATABASE_URL: 'postgres://user[:password]@host:port/database (default: the embedded database)',
  DATABASE_SCHEMA: "schema for Parley's tables (default public)",
  DB_POOL_SIZE: 'database connections per instance (default 10)',
  ADMIN_TOKEN: 'bearer token of /api/*, at least 16 characters (default: generated and printed)',
  PARLEY_DATA_DIR: 'embedded database, NLU model cache, server address file (default ./.parley)',
  LOG_LEVEL: 'debug, info, warn, error or silent (default info)',
  TURN_TIME_LIMIT_MS: "how long a turn's service calls may take (default 10000)",
  SCHEDULER_POLL_MS: 'how often due timers are looked for (default 1000)',
  OUTBOX_POLL_MS: 'how often outbox items are looked for (default 1000)',
  WORKERS: 'npm start: worker processes, 1 = a single process (default: one per core with DATABASE_URL, 1 embedded)',
  CACHE_MAX_MB: 'conversation state each worker keeps in memory, in MB (default 64; 0 = none)',
  IDENTITY_CACHE_MS:
    'how long an instance trusts a resolved identity link when it hears of no change (default 2000; changes made on any instance are heard at once with DATABASE_URL)',
  WEBCHAT_SECRET: 'key of the web chat tokens, at least 32 characters (default: generated in PARLEY_DATA_DIR)',
  WEBCHAT_BOTS: 'bots with a web chat, comma-separated, or "none" (default: every bot)',
  WEBCHAT_FRAME_ANCESTORS: "sites that may embed the web chat page, CSP frame-ancestors (default *)",
  BRAINS:
    'JSON {"<brain>": "<url>" or {"url": "<url>", "timeoutMs": n}}: the external brains bots delegate to (default timeout 3000, at most TURN_TIME_LIMIT_MS; default: none)',
  OUTBOX_MAX_ATTEMPTS: 'tries of a delivery before it is a dead letter (default 10)',
  OUTBOX_BACKOFF_BASE_MS: 'first retry delay bound; doubles per try, full jitter (default 1000)',
  OUTBOX_BACKOFF_CAP_MS: 'longest retry delay bound (default 300000)',
  OUTBOX_LEASE_MS: "how long a claimed delivery is held before another instance may take it (default 30000)",
  OUTBOX_HTTP_TIMEOUT_MS: 'how long one delivery (REST callback, webhook, channel adapter, service call) may take (default 10000)',
  REST_CALLBACKS: 'JSON {"<bot>": {"url"?: "https://…", "secret": "whsec_…"}}: where REST pushes are POSTed, signed',
  WEBHOOKS: 'JSON [{"id","url","events":["turn.handled",…],"secret":"whsec_…","bots"?:[…]}]: event webhooks',
  WEBHOOKS_FILE: 'a JSON file with the same list as WEBHOOKS (both may be used)',
  CHANNELS_FILE: 'YAML file of each bot\'s platform channels (Telegram, Slack, …); ${NAME} in it is read from the environment (default: none)',
};

/**
 * Read and validate the configuration. `process.env` is read here and nowhere else.
 *
 * @example
 * const config = loadConfig(process.env); // PORT=3000, embedded database in ./.parley, generated admin token
 */
export function loadConfig(env: Env = process.env, cwd = process.cwd()): AppConfig {
  const problems: string[] = [];
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name} must be an integer from ${min} to ${max} (got ${JSON.stringify(raw)})`);
      return fallback;
    }
    return value;
  };
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl) {
    let url: URL | undefined;
    try {
      url = new URL(databaseUrl);
    } catch {
      problems.push('DATABASE_URL is not a URL (expected postgres://user@host:5432/database)');
    }
    if (url && url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
      problems.push(`DATABASE_URL must start with postgres:// (got ${url.protocol}//)`);
    } else if (url && !url.username) {
      problems.push('DATABASE_URL needs a user name (postgres://USER@host/db): without one the driver cannot log in');
    }
  }
  const databaseSchema = env.DATABASE_SCHEMA || 'public';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(databaseSchema)) {
    problems.push(`DATABASE_SCHEMA must be a lower-case identifier (got ${JSON.stringify(databaseSchema)})`);
  }
  const token = env.ADMIN_TOKEN;
  if (token !== undefined && token !== '' && (token.length < 16 || /\s/.test(token))) {
    problems.push('ADMIN_TOKEN must be at least 16 characters without spaces');
  }
  const logLevel = (env.LOG_LEVEL || 'info') as LogLevel;
  if (!['debug', 'info', 'warn', 'error', 'silent'].includes(logLevel)) {
    problems.push(`LOG_LEVEL must be debug, info, warn, error or silent (got ${JSON.stringify(logLevel)})`);
  }
  const restChannelSecrets: Record<string, string> = {};
  if (env.REST_CHANNEL_SECRETS) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(env.REST_CHANNEL_SECRETS);
    } catch {
      parsed = undefined;
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
      problems.push('REST_CHANNEL_SECRETS must be a JSON object of bot id → shared secret, e.g. {"juice":"<32 random characters>"}');
    } else {
      for (const [bot, secret] of Object.entries(parsed)) {
        if (typeof secret !== 'string' || secret.length < 16) problems.push(`REST_CHANNEL_SECRETS: the secret of '${bot}' must be a string of at least 16 characters`);
        else restChannelSecrets[bot] = secret;
      }
    }
  }
  const webchatSecret = env.WEBCHAT_SECRET || undefined;
  if (webchatSecret !== undefined && (webchatSecret.length < MIN_WEBCHAT_SECRET_LENGTH || /\s/.test(webchatSecret))) {
    problems.push(`WEBCHAT_SECRET must be at least ${MIN_WEBCHAT_SECRET_LENGTH} characters without spaces (e.g. openssl rand -base64 32)`);
  }
  let webchatBots: string[] | undefined;
  if (env.WEBCHAT_BOTS !== undefined && env.WEBCHAT_BOTS.trim() !== '') {
    const names = env.WEBCHAT_BOTS.split(',').map((name) => name.trim()).filter(Boolean);
    webchatBots = names.length === 1 && names[0] === 'none' ? [] : names;
    const bad = webchatBots.filter((name) => !/^[A-Za-z0-9_-]{1,64}$/.test(name));
    if (bad.length) problems.push(`WEBCHAT_BOTS must list bot ids separated by commas, or be "none" (got ${JSON.stringify(env.WEBCHAT_BOTS)})`);
  }
  const webchatFrameAncestors = (env.WEBCHAT_FRAME_ANCESTORS || '*').trim();
  if (!/^[^;,\r\n]+$/.test(webchatFrameAncestors)) {
    problems.push(`WEBCHAT_FRAME_ANCESTORS must be CSP sources separated by spaces, e.g. "'self' https://shop.example" (got ${JSON.stringify(webchatFrameAncestors)})`);
  }
  const restCallbacks = parseRestCallbacks(env.REST_CALLBACKS, problems);
  const webhooks = [
    ...parseWebhooks(env.WEBHOOKS, 'WEBHOOKS', problems),
    ...parseWebhooks(readConfigFile(env.WEBHOOKS_FILE, cwd, problems), 'WEBHOOKS_FILE', problems),
  ];
  const ids = webhooks.map((w) => w.id);
  for (const id of new Set(ids.filter((id, i) => ids.indexOf(id) !== i))) problems.push(`WEBHOOKS: the id '${id}' is used twice`);
  const channelsFile = env.CHANNELS_FILE || undefined;
  const channels = channelsFile ? readChannelsFile(channelsFile, env, CHANNEL_PLUGINS, cwd) : { channels: [], problems: [] };
  problems.push(...channels.problems);
  const config: AppConfig = {
    port: int('PORT', 3000, 0, 65535),
    host: env.HOST || '127.0.0.1',
    databaseUrl,
    databaseSchema,
    dbPoolSize: int('DB_POOL_SIZE', 10, 1, 200),
    dbConnectTimeoutMs: int('DB_CONNECT_TIMEOUT_MS', 5000, 100, 600_000),
    embeddedIdleInTransactionMs: int('EMBEDDED_IDLE_IN_TRANSACTION_MS', 60_000, 100, 3_600_000),
    embeddedSharedBuffersMb: int('EMBEDDED_SHARED_BUFFERS_MB', 32, 1, 1024),
    dataDir: resolve(cwd, env.PARLEY_DATA_DIR || '.parley'),
    adminToken: token || randomBytes(24).toString('base64url'),
    adminTokenGenerated: !token,
    logLevel,
    restChannelSecrets: Object.freeze(restChannelSecrets),
    turnTimeLimitMs: int('TURN_TIME_LIMIT_MS', 10_000, 10, 600_000),
    httpRequestTimeoutMs: int('HTTP_REQUEST_TIMEOUT_MS', 10_000, 100, 600_000),
    httpIdleTimeoutMs: int('HTTP_IDLE_TIMEOUT_MS', 60_000, 1000, 3_600_000),
    httpKeepAliveTimeoutMs: int('HTTP_KEEP_ALIVE_TIMEOUT_MS', 5_000, 100, 3_600_000),
    httpMaxConnections: int('HTTP_MAX_CONNECTIONS', 1024, 1, 1_000_000),
    schedulerPollMs: int('SCHEDULER_POLL_MS', 1000, 10, 600_000),
    outboxPollMs: int('OUTBOX_POLL_MS', 1000, 10, 600_000),
    cacheMaxMb: int('CACHE_MAX_MB', 64, 0, 65_536),
    identityCacheMs: int('IDENTITY_CACHE_MS', 2000, 0, 3_600_000),
    workers: int('WORKERS', databaseUrl ? availableParallelism() : 1, 1, 1024),
    webchatSecret,
    webchatBots: webchatBots && Object.freeze(webchatBots),
    webchatFrameAncestors,
    outboxMaxAttempts: int('OUTBOX_MAX_ATTEMPTS', 10, 1, 1000),
    outboxBackoffBaseMs: int('OUTBOX_BACKOFF_BASE_MS', 1000, 1, 3_600_000),
    outboxBackoffCapMs: int('OUTBOX_BACKOFF_CAP_MS', 300_000, 1, 86_400_000),
    outboxLeaseMs: int('OUTBOX_LEASE_MS', 30_000, 100, 3_600_000),
    outboxHttpTimeoutMs: int('OUTBOX_HTTP_TIMEOUT_MS', 10_000, 100, 600_000),
    restCallbacks: Object.freeze(restCallbacks),
    webhooks: Object.freeze(webhooks),
    channelsFile,
    channels: Object.freeze(channels.channels),
    brains: {},
  };
  if (config.workers > 1 && !databaseUrl) {
    problems.push(
      `WORKERS=${config.workers} needs DATABASE_URL: the embedded database belongs to one process (its WebAssembly ` +
        'PostgreSQL runs on that process\'s thread). Use WORKERS=1, or a PostgreSQL server',
    );
  }
  const brains = readBrains(env.BRAINS, config.turnTimeLimitMs, problems);
  if (config.outboxBackoffCapMs < config.outboxBackoffBaseMs) {
    problems.push(`OUTBOX_BACKOFF_CAP_MS (${config.outboxBackoffCapMs}) must not be below OUTBOX_BACKOFF_BASE_MS (${config.outboxBackoffBaseMs})`);
  }
  if (config.outboxLeaseMs <= config.outboxHttpTimeoutMs) {
    problems.push(
      `OUTBOX_LEASE_MS (${config.outboxLeaseMs}) must be longer than OUTBOX_HTTP_TIMEOUT_MS (${config.outboxHttpTimeoutMs}): ` +
        'another instance would take a delivery still in flight',
    );
  }
  if (config.embeddedIdleInTransactionMs <= config.turnTimeLimitMs) {
    problems.push(
      `EMBEDDED_IDLE_IN_TRANSACTION_MS (${config.embeddedIdleInTransactionMs}) must be longer than TURN_TIME_LIMIT_MS ` +
        `(${config.turnTimeLimitMs}): a turn under the lock may hold its transaction that long`,
    );
  }
  if (config.httpIdleTimeoutMs <= config.turnTimeLimitMs) {
    problems.push(
      `HTTP_IDLE_TIMEOUT_MS (${config.httpIdleTimeoutMs}) must be longer than TURN_TIME_LIMIT_MS (${config.turnTimeLimitMs}): ` +
        'a connection waiting for its turn would be cut',
    );
  }
  if (problems.length > 0) throw new ConfigError(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  return Object.freeze({ ...config, brains });
}

/** `BRAINS`: brain name → URL, or → { url, timeoutMs }; a timeout is bounded by the turn's time limit. */
function readBrains(raw: string | undefined, turnTimeLimitMs: number, problems: string[]): Readonly<Record<string, BrainEndpoint>> {
  const brains: Record<string, BrainEndpoint> = {};
  if (!raw) return Object.freeze(brains);
  const example = '{"faq": "http://127.0.0.1:4010/"} or {"faq": {"url": "http://127.0.0.1:4010/", "timeoutMs": 2000}}';
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parsed = undefined;
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    problems.push(`BRAINS must be a JSON object of brain name → URL, e.g. ${example}`);
    return Object.freeze(brains);
  }
  const defaultTimeout = Math.min(3000, turnTimeLimitMs);
  for (const [name, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (!/^[a-z][a-z0-9_-]*$/.test(name)) {
      problems.push(`BRAINS: '${name}' is not a brain name (lower-case letters, digits, '-' or '_')`);
      continue;
    }
    const spec = (typeof value === 'string' ? { url: value } : value) as { url?: unknown; timeoutMs?: unknown } | null;
    if (!spec || typeof spec !== 'object' || Array.isArray(spec)) {
      problems.push(`BRAINS: '${name}' must be a URL or {"url": …, "timeoutMs": …}`);
      continue;
    }
    const unknown = Object.keys(spec).filter((key) => key !== 'url' && key !== 'timeoutMs');
    if (unknown.length > 0) problems.push(`BRAINS: '${name}' has unknown field(s) ${unknown.join(', ')} (allowed: url, timeoutMs)`);
    let url: URL | undefined;
    try {
      url = typeof spec.url === 'string' ? new URL(spec.url) : undefined;
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      problems.push(`BRAINS: the url of '${name}' must be an http:// or https:// URL (got ${JSON.stringify(spec.url)})`);
      continue;
    }
    const timeoutMs = spec.timeoutMs ?? defaultTimeout;
    if (typeof timeoutMs !== 'number' || !Number.isInteger(timeoutMs) || timeoutMs < 10 || timeoutMs > turnTimeLimitMs) {
      problems.push(
        `BRAINS: the timeoutMs of '${name}' must be an integer from 10 to TURN_TIME_LIMIT_MS (${turnTimeLimitMs}) (got ${JSON.stringify(spec.timeoutMs)})`,
      );
      continue;
    }
    brains[name] = Object.freeze({ url: url.toString(), timeoutMs });
  }
  return Object.freeze(brains);
}

const SECRET_RULE = '"whsec_" followed by the base64 of 16 to 128 bytes (POST /api/webhooks generates one)';

function parseJson(raw: string | undefined, name: string, problems: string[]): unknown {
  if (raw === undefined || raw.trim() === '') return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    problems.push(`${name} is not valid JSON`);
    return undefined;
  }
}

function readConfigFile(path: string | undefined, cwd: string, problems: string[]): string | undefined {
  if (!path) return undefined;
  try {
    return readFileSync(resolve(cwd, path), 'utf8');
  } catch (error) {
    problems.push(`WEBHOOKS_FILE cannot be read (${error instanceof Error ? error.message : String(error)})`);
    return undefined;
  }
}

function urlOrProblem(value: unknown, name: string, problems: string[]): string | undefined {
  try {
    return parseCallbackUrl(value, 'config', name);
  } catch {
    problems.push(`${name} must be an http:// or https:// URL (got ${JSON.stringify(value)})`);
    return undefined;
  }
}

function parseRestCallbacks(raw: string | undefined, problems: string[]): Record<string, RestCallbackConfig> {
  const parsed = parseJson(raw, 'REST_CALLBACKS', problems);
  const callbacks: Record<string, RestCallbackConfig> = {};
  if (parsed === undefined) return callbacks;
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    problems.push('REST_CALLBACKS must be a JSON object of bot id → {"url"?: "https://…", "secret": "whsec_…"}');
    return callbacks;
  }
  for (const [bot, entry] of Object.entries(parsed as Record<string, unknown>)) {
    const { url, secret } = (entry ?? {}) as { url?: unknown; secret?: unknown };
    if (typeof secret !== 'string' || !webhookKey(secret)) {
      problems.push(`REST_CALLBACKS: the secret of '${bot}' must be ${SECRET_RULE}`);
      continue;
    }
    const checked = url === undefined ? undefined : urlOrProblem(url, `REST_CALLBACKS.${bot}.url`, problems);
    callbacks[bot] = Object.freeze({ ...(checked ? { url: checked } : {}), secret });
  }
  return callbacks;
}

function parseWebhooks(raw: string | undefined, name: string, problems: string[]): WebhookConfig[] {
  const parsed = parseJson(raw, name, problems);
  if (parsed === undefined) return [];
  if (!Array.isArray(parsed)) {
    problems.push(`${name} must be a JSON array of {"id", "url", "events", "secret", "bots"?}`);
    return [];
  }
  const webhooks: WebhookConfig[] = [];
  parsed.forEach((entry: unknown, i) => {
    const { id, url, secret, events, bots } = (entry ?? {}) as Record<string, unknown>;
    const at = `${name}[${i}]`;
    const before = problems.length;
    if (typeof id !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(id)) problems.push(`${at}.id must be 1 to 64 letters, digits, '-' or '_'`);
    const checked = urlOrProblem(url, `${at}.url`, problems);
    if (typeof secret !== 'string' || !webhookKey(secret)) problems.push(`${at}.secret must be ${SECRET_RULE}`);
    if (!Array.isArray(events) || events.length === 0 || !events.every((e) => (WEBHOOK_EVENT_TYPES as readonly unknown[]).includes(e))) {
      problems.push(`${at}.events must be a non-empty list of: ${WEBHOOK_EVENT_TYPES.join(', ')}`);
    }
    if (bots !== undefined && (!Array.isArray(bots) || !bots.every((b) => typeof b === 'string'))) problems.push(`${at}.bots must be a list of bot ids`);
    if (problems.length > before || !checked) return;
    webhooks.push(
      Object.freeze({
        id: id as string,
        url: checked,
        secret: secret as string,
        events: Object.freeze([...(events as WebhookEventType[])]),
        ...(bots ? { bots: Object.freeze([...(bots as string[])]) } : {}),
      }),
    );
  });
  return webhooks;
}
