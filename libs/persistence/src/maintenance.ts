import type { Database } from './database/database';

/** When the next scheduled job is due (to sleep until then), or undefined when none is pending. */
export async function nextJobAt(db: Database): Promise<Date | undefined> {
  const [row] = await db.dataSource.query<{ at: Date | null }[]>(`SELECT min(run_at) AS at FROM ${db.tables.jobs}`);
  return row?.at ?? undefined;
}
