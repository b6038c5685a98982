import type { BotDefinition, ClockPort, ConversationStore, Services } from '@parley/dialogue-core';
import type { Database } from '@parley/persistence';
import type { BotRegistry } from './bots/bot.registry';
import type { AppConfig } from './config/app.config';
import type { JsonLogger } from './logging/json.logger';
import type { NluResolver } from './nlu/nlu.provider';
import type { Metrics } from './ops/metrics';
import type { ChannelAdapters } from './channels/channel.controller';
import type { Deliveries } from './outbox/outbox.dispatcher';
import type { IdentityLinks } from './users/identity-links';

/** What the composition root hands to the Nest module: built once per process, shared by every provider. */
export interface Runtime {
  config: AppConfig;
  logger: JsonLogger;
  metrics: Metrics;
  db: Database;
  /** Where conversations are kept: the turn path's only way to the database. */
  store: ConversationStore;
  bots: BotRegistry;
  nlu: NluResolver;
  /** Services bots call from invoked actors during a turn. */
  services: Services;
  /** Who delivers outbox items after commit. */
  deliveries: Deliveries;
  /** The platform channels of each bot (`/channels/:channel/:botId`); they also deliver their pushed replies. */
  channels: ChannelAdapters;
  /** Identity links: which user id keys a user's user-scoped memory. */
  identities: IdentityLinks;
  clock?: ClockPort;
}

export type { BotDefinition };
