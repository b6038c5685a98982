import { BuiltinNlu } from '@parley/nlu';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The fixture bots' folder: `<bot>/nlu/` corpora, and where their `paths/` would go. */
export const FIXTURES = join(__dirname, 'fixtures');

/** The real NLU, trained from the fixtures' corpora (in a cache of its own). */
export function fixtureNlu(): BuiltinNlu {
  return new BuiltinNlu({
    machinesDir: FIXTURES,
    cacheDir: mkdtempSync(join(tmpdir(), 'parley-paths-nlu-')),
    log: () => undefined,
  });
}
