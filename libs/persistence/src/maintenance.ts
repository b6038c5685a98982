import type { Database } from './database/database';

/** Housekeeping shared by all instances: forget dedupe records older than the redelivery window. */
export async function pruneInbound(db: Database, olderThanHours: number): Promise<number> {
  const result = await db.dataSource.query<[unknown[], number]>(
    `DELETE FROM ${db.tables.inbound} WHERE created_at < now() - make_interval(hours => $1)`,
    [olderThanHours],
  );
  return result[1];
}

/** When the next scheduled job is due (to sleep until then), or undefined when none is pending. */
export async function nextJobAt(db: Database): Promise<Date | undefined> {
  const [row] = await db.dataSource.query<{ at: Date | null }[]>(`SELECT min(run_at) AS at FROM ${db.tables.jobs}`);
  return row?.at ?? undefined;
}
