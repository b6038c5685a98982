import { PostgresConversationStore } from '@parley/persistence';
import { conversationStoreContract } from '../contracts/conversation-store.contract';
import { closeTestDatabase, freshSchema, openTestDatabase, testDatabaseKind } from '../helpers/test-database';

conversationStoreContract(testDatabaseKind() === 'embedded' ? 'embedded PGlite' : 'PostgreSQL', async () => {
  const schema = freshSchema('store');
  const db = await openTestDatabase(schema, { poolSize: 4 });
  return {
    store: new PostgresConversationStore(db),
    concurrentTransactions: testDatabaseKind() === 'postgres',
    close: () => closeTestDatabase(db, schema),
  };
});
