import { findBot } from '@parley/machines';
import type { Database } from '@parley/persistence';
import { IdentityLinks } from './identity-links';

/** A database that answers the identity lookups as the test says, when it says. */
function scriptedDatabase() {
  const lookups: { resolve: (userId: string) => void }[] = [];
  const db = {
    tables: { identityLinks: 'identity_links' },
    dataSource: {
      query: (sql: string) => {
        if (sql.includes('EXISTS')) return Promise.resolve([{ found: true }]);
        return new Promise((resolve) => lookups.push({ resolve: (userId) => resolve([{ identity_user_id: userId }]) }));
      },
    },
  } as unknown as Database;
  return { db, lookups };
}

describe('IdentityLinks', () => {
  const juice = findBot('juice')!;
  const user = { channel: 'slack', userId: 'U1' };
  /** Let the pending lookups reach the database. */
  const settled = () => new Promise((resolve) => setImmediate(resolve));

  test('an answer read while a change was heard is used once, not kept for the period', async () => {
    const { db, lookups } = scriptedDatabase();
    const links = new IdentityLinks(db, 600_000);
    const first = links.memoryUserId(juice, user);
    await settled();
    expect(lookups).toHaveLength(1);
    links.forget(); // another instance linked U1 while this lookup was on its way
    lookups[0]!.resolve('U1');
    expect(await first).toBe('U1');
    const second = links.memoryUserId(juice, user);
    await settled();
    expect(lookups).toHaveLength(2); // asked again, not taken from the cache
    lookups[1]!.resolve('T1');
    expect(await second).toBe('T1');
    expect(await links.memoryUserId(juice, user)).toBe('T1'); // this one is kept
    expect(lookups).toHaveLength(2);
  });
});
