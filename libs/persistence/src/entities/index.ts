import { ConversationEntity } from './conversation.entity';
import { ConversationHistoryEntity } from './conversation-history.entity';
import { MemoryRecordEntity } from './memory-record.entity';
import { OutboxItemEntity } from './outbox-item.entity';
import { ScheduledJobEntity } from './scheduled-job.entity';
import { TranscriptEntryEntity } from './transcript-entry.entity';

export const entities = [
  ConversationEntity,
  ConversationHistoryEntity,
  TranscriptEntryEntity,
  MemoryRecordEntity,
  OutboxItemEntity,
  ScheduledJobEntity,
];
export {
  ConversationEntity,
  ConversationHistoryEntity,
  TranscriptEntryEntity,
  MemoryRecordEntity,
  OutboxItemEntity,
  ScheduledJobEntity,
};
