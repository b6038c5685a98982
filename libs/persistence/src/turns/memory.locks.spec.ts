import { Tables } from '../database/schema';
import { memoryLockKey, memoryLockSql } from './memory.locks';

describe('memory locks', () => {
  const user = { scope: 'juice/user/u1', name: 'customer' };

  test('a record has one key, a 64-bit integer; different records have different keys', () => {
    expect(memoryLockKey(user)).toBe(memoryLockKey({ ...user }));
    const key = BigInt(memoryLockKey(user));
    expect(key >= -(2n ** 63n) && key < 2n ** 63n).toBe(true);
    expect(memoryLockKey({ ...user, name: 'draft' })).not.toBe(memoryLockKey(user));
    expect(memoryLockKey({ ...user, scope: 'juice/user/u2' })).not.toBe(memoryLockKey(user));
    // The separator keeps scope and name apart.
    expect(memoryLockKey({ scope: 'a/b', name: 'c' })).not.toBe(memoryLockKey({ scope: 'a', name: 'b/c' }));
  });

  test('the lock statement takes each key once, in ascending order, only while holding the conversation row', () => {
    const addresses = [user, { ...user, name: 'draft' }, { ...user, name: 'orders' }, user];
    const sql = memoryLockSql(new Tables('public'), "it's", addresses)!;
    const keys = [...sql.matchAll(/pg_advisory_xact_lock\((-?\d+)\)/g)].map((m) => BigInt(m[1]!));
    expect(keys).toHaveLength(3);
    expect([...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(keys);
    expect(new Set(keys.map(String))).toEqual(new Set(addresses.map(memoryLockKey)));
    expect(sql).toContain(`FROM (SELECT 1 FROM "public"."conversations" WHERE id = 'it''s' FOR UPDATE) AS held`);
    expect(memoryLockSql(new Tables('public'), 'c', [])).toBeUndefined();
  });
});
