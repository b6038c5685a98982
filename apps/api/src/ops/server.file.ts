import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AppConfig } from '../config/app.config';

/**
 * `<dataDir>/server.json`: how other commands on this machine (`npm run chat`) find a running server. It holds the
 * admin token, so only its owner may read it (mode 0600, in a directory of mode 0700 when Parley creates it).
 */
export interface ServerFile {
  url: string;
  pid: number;
  adminToken: string;
  /** Which database the server uses (`databaseLabel`): a client only talks to a server on its own database. */
  database: string;
  startedAt: string;
}

export const SERVER_FILE = 'server.json';

/** The database a configuration points at, without a password: `embedded <dir>` or `postgres://user@host/db schema s`. */
export function databaseLabel(config: AppConfig): string {
  if (!config.databaseUrl) return `embedded ${config.dataDir}`;
  const url = new URL(config.databaseUrl);
  url.password = '';
  return `${url.toString()} schema ${config.databaseSchema}`;
}

/** Written whole or not at all (temp file + rename), readable by the owner only. */
export async function writeServerFile(config: AppConfig, entry: ServerFile): Promise<void> {
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  const path = join(config.dataDir, SERVER_FILE);
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(entry, null, 2)}\n`, { mode: 0o600 });
  await chmod(temp, 0o600); // in case a stale temp file of this pid existed with other bits
  await rename(temp, path);
}

/** The file's contents, or undefined when there is none or it cannot be read as one. */
export async function readServerFile(config: AppConfig): Promise<ServerFile | undefined> {
  try {
    const entry = JSON.parse(await readFile(join(config.dataDir, SERVER_FILE), 'utf8')) as Partial<ServerFile>;
    const valid =
      typeof entry.url === 'string' &&
      typeof entry.pid === 'number' &&
      typeof entry.adminToken === 'string' &&
      typeof entry.database === 'string';
    return valid ? (entry as ServerFile) : undefined;
  } catch {
    return undefined;
  }
}

/** Removes the file if it is still this process's (another server on the same data dir may have replaced it). */
export async function removeServerFile(config: AppConfig, pid = process.pid): Promise<void> {
  const entry = await readServerFile(config);
  if (entry?.pid === pid) await rm(join(config.dataDir, SERVER_FILE), { force: true });
}
