import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { BotDefinition, ClockPort, NluPort, Services } from '@parley/dialogue-core';
import { openDatabase, PostgresConversationStore, WebhookSubscriptionStore, type Database } from '@parley/persistence';
import { ChannelError, WebchatChannelAdapter, xmlProblem, type ChannelAdapter } from '@parley/channels';
import { ChannelFlights } from './channels/channel-flights';
import { ChannelAdapters } from './channels/channel.controller';
import { errorCodes, type FastifyInstance, type FastifyRequest } from 'fastify';
import { migrations } from '../../../migrations';
import { AdminService } from './admin/admin.service';
import { brainServices } from './brains/brain.client';
import { DeliveriesService } from './admin/deliveries.service';
import { turnNotifications } from './webhooks/turn.notifications';
import { WebhookSubscriptions } from './webhooks/webhook.subscriptions';
import { AppModule } from './app.module';
import { BotRegistry } from './bots/bot.registry';
import { ConfigError, loadConfig, type AppConfig } from './config/app.config';
import { ErrorFilter } from './errors/error.filter';
import { clientErrorHandler, frameworkErrorHandler } from './errors/framework-errors';
import { SchedulerService } from './jobs/scheduler.service';
import { JsonLogger } from './logging/json.logger';
import { createServerNlu, singleNlu, type NluResolver } from './nlu/nlu.provider';
import { Metrics } from './ops/metrics';
import { OutboxDispatcher, type Deliveries } from './outbox/outbox.dispatcher';
import type { Runtime } from './runtime';
import { TurnService } from './turns/turn.service';
import { IdentityLinks } from './users/identity-links';
import { ConversationChanges } from './studio/conversation-changes';
import { StudioService } from './studio/studio.service';
import { StudioStreams } from './studio/studio.streams';
import { WebchatHub } from './webchat/webchat.hub';
import { webchatSecret } from './webchat/webchat.secret';
import { WEBCHAT, WebchatService } from './webchat/webchat.service';

/** Request bodies above this are refused with 413 before any parsing. */
export const BODY_LIMIT = 64 * 1024;

export interface CreateAppOptions {
  bots: readonly BotDefinition[];
  /** Default: `loadConfig(process.env)`. */
  config?: AppConfig;
  /** One NLU for every bot (tests: `keywordNlu`). Default: the server wiring in `nlu/nlu.provider.ts`. */
  nlu?: NluPort | null;
  /** Services bots call during turns (invoked actors). */
  services?: Services;
  /** Outbox deliverers (pushed replies by channel, outbound calls by service). */
  deliveries?: Partial<Deliveries>;
  /** Channel adapters to serve at `/channels/:channel/:botId`, added to those the configuration enables. */
  channels?: { botId: string; adapter: ChannelAdapter }[];
  clock?: ClockPort;
  logger?: JsonLogger;
  /** Listen on `config.port` (default true). */
  listen?: boolean;
}

/** A running Parley instance. */
export interface ParleyApp {
  readonly app: NestFastifyApplication;
  readonly config: AppConfig;
  readonly db: Database;
  /** `http://host:port` once listening. */
  readonly url: string;
  readonly runtime: Runtime;
  /** Stop the workers, the HTTP server and the database, in that order. */
  close(): Promise<void>;
}

/**
 * The composition root: config → database (embedded or server, migrated) → NLU → Nest on Fastify → background
 * workers (timers, outbox). Tests call it with their own bots and NLU.
 *
 * @example
 * const parley = await createApp({ bots: [counterBot()], nlu: counterNlu, config: loadConfig({ PORT: '0', DATABASE_URL }) });
 * await fetch(`${parley.url}/channels/rest/counter`, { method: 'POST', ... });
 * await parley.close();
 */
export async function createApp(options: CreateAppOptions): Promise<ParleyApp> {
  const config = options.config ?? loadConfig();
  const logger = options.logger ?? new JsonLogger(config.logLevel);
  const metrics = new Metrics();
  const bots = new BotRegistry(options.bots);
  const webchatHub = new WebchatHub(logger, metrics);
  const db = await openDatabase({
    url: config.databaseUrl,
    dataDir: config.dataDir,
    schema: config.databaseSchema,
    poolSize: config.dbPoolSize,
    connectTimeoutMs: config.dbConnectTimeoutMs,
    embeddedIdleInTransactionMs: config.embeddedIdleInTransactionMs,
    embeddedSharedBuffersMb: config.embeddedSharedBuffersMb,
    migrations,
    // A connection the server dropped while idle: the pool replaces it; turns in flight answer 503 and are retried.
    onConnectionError: (error) => {
      metrics.countError('DATABASE_CONNECTION_LOST');
      logger.warn('database connection lost', { err: error.message });
    },
  });
  try {
    for (const name of db.applied) logger.info('migration applied', { migration: name });
    const nlu: NluResolver = options.nlu !== undefined ? singleNlu(options.nlu) : await createServerNlu(bots.all(), config, logger);
    const runtime: Runtime = {
      config,
      logger,
      metrics,
      db,
      store: new PostgresConversationStore(db),
      bots,
      nlu,
      // The configured external brains (BRAINS) first: services a test or an embedder passes win.
      services: { ...brainServices(config.brains), ...(options.services ?? {}) },
      deliveries: {
        // Parley has no deliverers of its own: pushed replies go to channel adapters or REST callbacks (docs/delivery.md).
        channels: { ...(options.deliveries?.channels ?? {}) },
        services: { ...(options.deliveries?.services ?? {}) },
      },
      channels: channelAdapters(config, bots, logger, options.channels ?? []),
      identities: new IdentityLinks(db, config.identityCacheMs),
      clock: options.clock,
    };
    const webchat = await webchatChannel(runtime, webchatHub);
    const turns = new TurnService(runtime);
    const webhooks = new WebhookSubscriptions(config.webhooks, new WebhookSubscriptionStore(db));
    await webhooks.refresh();
    turns.notifications = turnNotifications(webhooks);
    const outbox = new OutboxDispatcher(runtime, webhooks);
    const scheduler = new SchedulerService(runtime, turns);
    // Live views (the Studio) hear of every committed turn, on this instance at once and on the others through
    // PostgreSQL LISTEN/NOTIFY; the embedded database has one process, which makes every change itself.
    const changes = new ConversationChanges(logger);
    if (config.databaseUrl) await changes.connect(config.databaseUrl, config.databaseSchema);
    turns.onCommitted = (done) => {
      const { record, result } = done.turn ?? {};
      if (!record || !result) return;
      if ((record.pushReplies && result.replies.length > 0) || record.notifications?.length || result.effects.some((e) => e.type === 'call')) {
        outbox.kick();
      }
      if (result.effects.some((e) => e.type === 'schedule')) scheduler.noticed(done);
      if (done.turn)
        changes.publish({ conversationId: done.response.conversationId, botId: done.turn.bot.id, turn: done.turn.number, kind: 'turn' });
      webchat.committed(done);
    };
    const admin = new AdminService(runtime, turns);
    admin.onReset = (change) => changes.publish({ ...change, kind: 'reset' });
    // An identity link changed on one instance: every instance resolves identities afresh.
    runtime.identities.onChanged = () => changes.publishLinksChanged();
    changes.onLinksChanged(() => runtime.identities.forget());
    const deliveries = new DeliveriesService(runtime, outbox, webhooks);
    const studio = new StudioService(runtime, admin);
    const streams = new StudioStreams(changes);
    const flights = new ChannelFlights();

    // No Nest middleware here: skipping @fastify/middie saves its hook on every request.
    const adapter = new FastifyAdapter({
      bodyLimit: BODY_LIMIT,
      return503OnClosing: true,
      skipMiddie: true,
      // Slow or idle clients do not hold connections for ever (Fastify's defaults are no limit).
      requestTimeout: config.httpRequestTimeoutMs,
      connectionTimeout: config.httpIdleTimeoutMs,
      keepAliveTimeout: config.httpKeepAliveTimeoutMs,
      // Node checks for requests over their time every `connectionsCheckingInterval` (30 s by default).
      http: { connectionsCheckingInterval: Math.min(1000, config.httpRequestTimeoutMs), headersTimeout: config.httpRequestTimeoutMs },
      frameworkErrors: frameworkErrorHandler(logger, metrics),
      clientErrorHandler: clientErrorHandler(logger, metrics),
    });
    const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(runtime, { turns, admin, deliveries, outbox, scheduler, studio, streams, webchat, flights }), adapter, {
      logger,
      abortOnError: false,
      bodyParser: false,
    });
    installJsonParser(app.getHttpAdapter().getInstance());
    installXmlParser(app.getHttpAdapter().getInstance());
    installSlackFormParser(app.getHttpAdapter().getInstance());
    app.getHttpServer().maxConnections = config.httpMaxConnections;
    app.useGlobalFilters(new ErrorFilter(logger, metrics));
    await app.init();

    let url = '';
    if (options.listen !== false) {
      await app.listen(config.port, config.host);
      const address = app.getHttpServer().address();
      const port = typeof address === 'object' && address ? address.port : config.port;
      url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;
    }
    scheduler.start();
    outbox.start();
    let closing: Promise<void> | undefined;
    return {
      app,
      config,
      db,
      url,
      runtime,
      close: () =>
        (closing ??= (async () => {
          // Turns that went on after their platform was answered (WeChat's passive window) write before the end.
          await flights.drain();
          await scheduler.stop();
          await outbox.stop();
          streams.closeAll();
          await webchat.hub.close();
          await changes.close();
          await app.close();
          await db.close();
        })()),
    };
  } catch (error) {
    await webchatHub.close();
    await db.close();
    throw error;
  }
}

/**
 * JSON bodies (forms only for Slack's interactivity, XML for WeChat: anything else is 415). Malformed JSON becomes INVALID_JSON; the raw bytes stay on
 * `request.rawBody` for channels that verify signatures. Size (413) and media type (415) errors come from Fastify
 * and reach the error filter through Nest's error handler.
 */
function installJsonParser(fastify: FastifyInstance): void {
  const parse = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser(['application/json', 'text/plain']);
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: BODY_LIMIT }, (request, body, done) => {
    (request as FastifyRequest & { rawBody?: Buffer }).rawBody = body as Buffer;
    void parse(request, (body as Buffer).toString('utf8'), (error: Error | null, value?: unknown) => {
      if (error) done(new ChannelError('INVALID_JSON', 'The body is not valid JSON.', { channel: 'http' }), undefined);
      else done(null, value);
    });
  });
}

/**
 * The web chat of every bot `WEBCHAT_BOTS` names (default: all), signed with `WEBCHAT_SECRET` or the data directory's
 * generated secret; its live pages hear pushes from every instance through the hub's relay (docs/webchat.md).
 */
async function webchatChannel(runtime: Runtime, hub: WebchatHub): Promise<WebchatService> {
  const { config, logger, bots } = runtime;
  const served = bots.all().map((bot) => bot.id);
  const wanted = config.webchatBots ?? served;
  const unknown = wanted.filter((id) => !served.includes(id));
  if (unknown.length) throw new ConfigError(`WEBCHAT_BOTS names ${unknown.map((id) => `'${id}'`).join(', ')}, not served here (bots: ${served.join(', ')}).`);
  const enabled = wanted.filter((id) => !runtime.channels.get(id, WEBCHAT));
  if (enabled.length === 0) return new WebchatService(runtime, hub, '');
  const { secret, generated } = await webchatSecret(config);
  if (generated) logger.info('web chat secret generated', { dataDir: config.dataDir });
  if (config.databaseUrl && !config.webchatSecret) {
    logger.warn('WEBCHAT_SECRET is not set: web chat tokens are signed with this data directory\'s secret; instances that share the database must share WEBCHAT_SECRET');
  }
  const adapter = new WebchatChannelAdapter(secret, (conversationId, message) => hub.push(conversationId, message));
  for (const id of enabled) runtime.channels.add(id, adapter);
  if (config.databaseUrl) await hub.connect(config.databaseUrl, config.databaseSchema);
  return new WebchatService(runtime, hub, secret);
}

/**
 * XML bodies (`text/xml`, `application/xml`: WeChat pushes messages so): checked for well-formedness (else
 * INVALID_XML, 400), kept as text, the raw bytes on `request.rawBody`. The adapter reads the fields. Same size limit.
 */
function installXmlParser(fastify: FastifyInstance): void {
  fastify.addContentTypeParser(['text/xml', 'application/xml'], { parseAs: 'buffer', bodyLimit: BODY_LIMIT }, (request, body, done) => {
    const raw = body as Buffer;
    (request as FastifyRequest & { rawBody?: Buffer }).rawBody = raw;
    const text = raw.toString('utf8');
    const problem = xmlProblem(text);
    if (problem) done(new ChannelError('INVALID_XML', `The body is not well-formed XML: ${problem}.`, { channel: 'http' }), undefined);
    else done(null, text);
  });
}

/**
 * Form bodies (`application/x-www-form-urlencoded`) on Slack's channel route only: Slack posts button clicks to the
 * app's Interactivity Request URL as a signed form. Kept as text, the raw bytes on `request.rawBody` for the
 * signature; every other route answers a form with 415, as before.
 */
function installSlackFormParser(fastify: FastifyInstance): void {
  fastify.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'buffer', bodyLimit: BODY_LIMIT }, (request, body, done) => {
    if (!request.url.startsWith('/channels/slack/')) {
      done(new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE(), undefined);
      return;
    }
    const raw = body as Buffer;
    (request as FastifyRequest & { rawBody?: Buffer }).rawBody = raw;
    done(null, raw.toString('utf8'));
  });
}

/** The adapters the channels file enables (for bots this server serves), then those the caller adds. */
function channelAdapters(
  config: AppConfig,
  bots: BotRegistry,
  logger: JsonLogger,
  extra: readonly { botId: string; adapter: ChannelAdapter }[],
): ChannelAdapters {
  const served = new Set(bots.all().map((bot) => bot.id));
  const unknown = [...new Set(config.channels.map((c) => c.botId).filter((id) => !served.has(id)))];
  if (unknown.length > 0) {
    throw new ConfigError(
      `Invalid configuration:\n  - CHANNELS_FILE ${config.channelsFile ?? ''}: no bot ${unknown.map((id) => `'${id}'`).join(', ')} is served here ` +
        `(bots: ${[...served].join(', ')})`,
    );
  }
  const adapters = new ChannelAdapters();
  const deps = { fetch: globalThis.fetch.bind(globalThis), now: () => new Date(), log: logger };
  for (const configured of config.channels) {
    adapters.add(configured.botId, configured.create(deps));
    logger.info('channel enabled', { botId: configured.botId, channel: configured.channel });
  }
  for (const { botId, adapter } of extra) adapters.add(botId, adapter);
  return adapters;
}
