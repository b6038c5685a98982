import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MIN_WEBCHAT_SECRET_LENGTH } from '@parley/channels';
import type { AppConfig } from '../config/app.config';

/** The generated secret's file in the data directory. */
export const WEBCHAT_SECRET_FILE = 'webchat.secret';

/**
 * The key web chat tokens are signed with: `WEBCHAT_SECRET`, or else one generated at the first start and kept in
 * `<PARLEY_DATA_DIR>/webchat.secret` (mode 600), so that users keep their conversations across restarts. Instances that
 * share a database but not a data directory must share `WEBCHAT_SECRET` instead (docs/webchat.md).
 */
export async function webchatSecret(config: AppConfig): Promise<{ secret: string; generated: boolean }> {
  if (config.webchatSecret) return { secret: config.webchatSecret, generated: false };
  const path = join(config.dataDir, WEBCHAT_SECRET_FILE);
  const existing = await read(path);
  if (existing !== undefined) return { secret: existing, generated: false };
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  // Written whole to a file of its own, then linked into place: two processes starting at once agree on one secret
  // (the second link fails and that process reads the first one's), and nobody reads a half-written file.
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await writeFile(temporary, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    await link(temporary, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await unlink(temporary);
  }
  const secret = await read(path);
  if (secret === undefined) throw new Error(`${path} could not be read back.`);
  return { secret, generated: true };
}

async function read(path: string): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const secret = text.trim();
  if (secret.length < MIN_WEBCHAT_SECRET_LENGTH) {
    throw new Error(`${path} holds no usable web chat secret (at least ${MIN_WEBCHAT_SECRET_LENGTH} characters): delete it to get a new one.`);
  }
  return secret;
}
