import { ConversationEntity } from './conversation.entity';
import { ConversationHistoryEntity } from './conversation-history.entity';
import { InboundMessageEntity } from './inbound-message.entity';
import { MemoryRecordEntity } from './memory-record.entity';
import { OutboxItemEntity } from './outbox-item.entity';
import { ScheduledJobEntity } from './scheduled-job.entity';
import { TranscriptEntryEntity } from './transcript-entry.entity';

export const entities = [
  ConversationEntity,
  ConversationHistoryEntity,
  TranscriptEntryEntity,
  MemoryRecordEntity,
  InboundMessageEntity,
  OutboxItemEntity,
  ScheduledJobEntity,
];
export {
  ConversationEntity,
  ConversationHistoryEntity,
  TranscriptEntryEntity,
  MemoryRecordEntity,
  InboundMessageEntity,
  OutboxItemEntity,
  ScheduledJobEntity,
};
