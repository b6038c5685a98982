import { ConversationEntity } from './conversation.entity';
import { MemoryRecordEntity } from './memory-record.entity';
import { OutboxItemEntity } from './outbox-item.entity';
import { ScheduledJobEntity } from './scheduled-job.entity';
import { TranscriptEntryEntity } from './transcript-entry.entity';

export const entities = [
  ConversationEntity,
  TranscriptEntryEntity,
  MemoryRecordEntity,
  OutboxItemEntity,
  ScheduledJobEntity,
];
export {
  ConversationEntity,
  TranscriptEntryEntity,
  MemoryRecordEntity,
  OutboxItemEntity,
  ScheduledJobEntity,
};
