import type { PathsConfig } from '@parley/paths';
import type { Customer } from './menu';

/** What the generated path tests of the juice shop need to know beyond its statecharts (`npm run paths -- juice`). */
export const juicePaths: PathsConfig = {
  identity: {
    // Three unknown flavors in a row cancel the order: the miss counter is part of the state.
    contexts: { order: (data) => (data.misses > 0 ? { misses: data.misses as number } : undefined) },
    // A returning customer is offered the last order, a member is not offered membership.
    memory: (memory) => {
      const customer = memory.customer as Customer | undefined;
      const returning = (customer?.orders ?? 0) > 0;
      const member = customer?.member === true;
      return returning || member ? { returning, member } : undefined;
    },
  },
  now: '2026-11-22T02:00:00.000Z',
};
