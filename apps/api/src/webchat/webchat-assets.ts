import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { browserSourceDir, bundledOnce } from '../ops/browser-bundle';

/** The web chat's browser code: TypeScript in `web/`, bundled by esbuild once per process (no CDN, no network). */
export interface WebchatAssets {
  /** The page, with `{{botId}}` and `{{locale}}` to fill in. */
  html: string;
  js: string;
  css: string;
  /** The embeddable `/webchat/widget.js`. */
  widget: string;
}

/** Bundle (first call) or return the bundle. A failed bundle is retried at the next call. */
export const webchatAssets = bundledOnce(bundle);

async function bundle(): Promise<WebchatAssets> {
  const dir = browserSourceDir('webchat', 'chat.ts');
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: { chat: join(dir, 'chat.ts'), widget: join(dir, 'widget.ts') },
    outdir: dir,
    bundle: true,
    write: false,
    format: 'iife',
    // The widget runs on other people's sites: browsers of the last few years.
    target: ['es2020', 'chrome90', 'firefox90', 'safari15'],
    minify: true,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const text = (name: string) => result.outputFiles.find((file) => file.path.endsWith(`${name}.js`))?.text ?? '';
  const [html, css] = await Promise.all([readFile(join(dir, 'index.html'), 'utf8'), readFile(join(dir, 'chat.css'), 'utf8')]);
  return { html, js: text('chat'), css, widget: text('widget') };
}
