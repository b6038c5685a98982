import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** The Studio's browser code: TypeScript sources in `web/`, bundled by esbuild once per process (no CDN, no network). */
export interface WebAssets {
  html: string;
  js: string;
  css: string;
}

let assets: Promise<WebAssets> | undefined;

/** The folder of the sources, found from the package root (this file runs from `apps/…` or from `dist/apps/…`). */
export function webSourceDir(from = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'apps', 'api', 'src', 'studio', 'web');
    if (existsSync(join(candidate, 'main.ts'))) return candidate;
    if (dirname(dir) === dir)
      throw new Error(`The Studio's sources (apps/api/src/studio/web) were not found above ${from}.`);
  }
}

/** Bundle (first call) or return the bundle. A failed bundle is retried at the next call. */
export function webAssets(): Promise<WebAssets> {
  assets ??= bundle().catch((error: unknown) => {
    assets = undefined;
    throw error;
  });
  return assets;
}

async function bundle(): Promise<WebAssets> {
  const dir = webSourceDir();
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [join(dir, 'main.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const js = result.outputFiles[0]?.text ?? '';
  const [html, css] = await Promise.all([
    readFile(join(dir, 'index.html'), 'utf8'),
    readFile(join(dir, 'studio.css'), 'utf8'),
  ]);
  return { html, js, css };
}
