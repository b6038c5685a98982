import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The folder of a page's browser sources (`apps/api/src/<page>/web`), found from the package root: the server runs
 * from `apps/…` or from the compiled `dist/apps/…`, and the sources are bundled at run time either way.
 */
export function browserSourceDir(page: 'studio' | 'webchat', entry: string, from = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'apps', 'api', 'src', page, 'web');
    if (existsSync(join(candidate, entry))) return candidate;
    if (dirname(dir) === dir) throw new Error(`The ${page} page's sources (apps/api/src/${page}/web) were not found above ${from}.`);
  }
}

/** `make` once per process, on first use; a failure is forgotten, so the next call tries again. */
export function bundledOnce<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () => {
    made ??= make().catch((error: unknown) => {
      made = undefined;
      throw error;
    });
    return made;
  };
}
