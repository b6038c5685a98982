import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Trained models on disk, one JSON file per (bot, cache key). The key hashes the corpus files and the
 * trainer version, so an unchanged bot loads instead of retraining and any edit retrains.
 */
export class ModelCache {
  constructor(readonly dir: string) {}

  private file(bot: string, key: string): string {
    return join(this.dir, `${bot}-${key.slice(0, 16)}.json`);
  }

  /** The cached text, or null when absent or unreadable (a broken cache only costs a retrain). */
  async read(bot: string, key: string): Promise<string | null> {
    try {
      return await readFile(this.file(bot, key), 'utf8');
    } catch {
      return null;
    }
  }

  /** Writes atomically (temp file + rename: a crash never leaves half a model) and drops older models of the bot. */
  async write(bot: string, key: string, text: string): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const target = this.file(bot, key);
    const temp = `${target}.${process.pid}.tmp`;
    await writeFile(temp, text);
    await rename(temp, target);
    for (const name of await readdir(this.dir)) {
      const ofBot = name.startsWith(`${bot}-`) && /^[0-9a-f]{16}\.json$/.test(name.slice(bot.length + 1));
      if (ofBot && join(this.dir, name) !== target) {
        await rm(join(this.dir, name), { force: true });
      }
    }
  }
}
