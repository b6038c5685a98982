import { openDatabase, PostgresConversationStore } from '@parley/persistence';
import { migrations } from '../../migrations';
import { conversationStoreContract } from '../contracts/conversation-store.contract';
import { dropSchema, freshSchema, testDatabaseKind, testDatabaseUrl } from '../helpers/test-database';

conversationStoreContract(testDatabaseKind() === 'embedded' ? 'embedded PGlite' : 'PostgreSQL', async () => {
  const schema = freshSchema('store');
  const db = await openDatabase({ url: testDatabaseUrl(), dataDir: '.parley-unused', schema, poolSize: 4, migrations });
  return {
    store: new PostgresConversationStore(db),
    concurrentTransactions: testDatabaseKind() === 'postgres',
    async close() {
      await db.close();
      await dropSchema(schema);
    },
  };
});
