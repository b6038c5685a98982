import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { browserSourceDir, bundledOnce } from '../ops/browser-bundle';

/** The Studio's browser code: TypeScript sources in `web/`, bundled by esbuild once per process (no CDN, no network). */
export interface WebAssets {
  html: string;
  js: string;
  css: string;
}

/** Bundle (first call) or return the bundle. A failed bundle is retried at the next call. */
export const webAssets = bundledOnce(bundle);

async function bundle(): Promise<WebAssets> {
  const dir = browserSourceDir('studio', 'main.ts');
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
