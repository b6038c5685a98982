export { converse, Conversation, type ConverseOptions, type SettledConversation } from './converse';
export { InMemoryMemory } from './in-memory.memory';
export { keywordNlu, type KeywordNluSpec } from './keyword.nlu';
