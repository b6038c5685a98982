import type { PgliteServer } from '../../libs/persistence/src/database/pglite.server';

export default async function globalTeardown(): Promise<void> {
  const embedded = (globalThis as { __PARLEY_PGLITE__?: { db: { close(): Promise<void> }; server: PgliteServer } }).__PARLEY_PGLITE__;
  if (!embedded) return;
  await embedded.server.stop();
  await embedded.db.close();
}
