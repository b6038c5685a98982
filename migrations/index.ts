import type { MigrationInterface } from 'typeorm';
import { InitialSchema1763769600000 } from './1763769600000-initial-schema';
import { DedupeInTranscript1763856000000 } from './1763856000000-dedupe-in-transcript';
import { TurnStateInTranscript1764460800000 } from './1764460800000-turn-state-in-transcript';
import { DeliveryLanes1764633600000 } from './1764633600000-delivery-lanes';
import { IdentityLinks1764720000000 } from './1764720000000-identity-links';
import { StateInConversationRow1764979200000 } from './1764979200000-state-in-conversation-row';
import { ReplyChoicesInTranscript1765152000000 } from './1765152000000-reply-choices-in-transcript';
import { OutboxInFlight1765238400000 } from './1765238400000-outbox-in-flight';

/** Every migration, oldest first. Add new ones at the end; never edit one that has landed. */
export const migrations: (new () => MigrationInterface)[] = [
  InitialSchema1763769600000,
  DedupeInTranscript1763856000000,
  TurnStateInTranscript1764460800000,
  DeliveryLanes1764633600000,
  IdentityLinks1764720000000,
  StateInConversationRow1764979200000,
  ReplyChoicesInTranscript1765152000000,
  OutboxInFlight1765238400000,
];
