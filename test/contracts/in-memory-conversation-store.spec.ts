import { InMemoryConversationStore } from '@parley/persistence';
import { conversationStoreContract } from './conversation-store.contract';

conversationStoreContract('in memory', async () => ({
  store: new InMemoryConversationStore(),
  concurrentTransactions: true,
  close: async () => undefined,
}));
