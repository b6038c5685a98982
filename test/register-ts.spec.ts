import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const HOOK = resolve(__dirname, '../scripts/register-ts.js');

/** Load `file` through the hook in a new process: its export `v`, and whether swc itself was loaded. */
function load(file: string, env: Record<string, string>, flags: string[] = []): { v: number; swcLoaded: boolean } {
  const script = `const v = require(${JSON.stringify(file)}).v; const swcLoaded = Object.keys(require.cache).some((k) => /@swc[\\\\/]core[\\\\/]index\\.js$/.test(k)); console.log(JSON.stringify({ v, swcLoaded }));`;
  const run = spawnSync(process.execPath, [...flags, '-r', HOOK, '-e', script], { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout) as { v: number; swcLoaded: boolean };
}

/** Every compiled file in the cache directory. */
function entries(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.js')).map((name) => join(dir, name));
}

describe('scripts/register-ts.js (how every command runs the TypeScript sources)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-register-ts-'));
  const cache = join(dir, 'cache');
  const file = join(dir, 'answer.ts');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('compiles a file once: the next process reads the cache and never loads swc; an edit compiles again', () => {
    writeFileSync(file, 'export const v: number = 1;\n');
    expect(load(file, { PARLEY_TS_CACHE: cache })).toEqual({ v: 1, swcLoaded: true });
    expect(load(file, { PARLEY_TS_CACHE: cache })).toEqual({ v: 1, swcLoaded: false });
    expect(entries(cache)).toHaveLength(1);

    writeFileSync(file, 'export const v: number = 2;\n');
    expect(load(file, { PARLEY_TS_CACHE: cache })).toEqual({ v: 2, swcLoaded: true });
    expect(load(file, { PARLEY_TS_CACHE: cache })).toEqual({ v: 2, swcLoaded: false });
    expect(entries(cache)).toHaveLength(2);
  });

  test('source maps only for a process that uses them (--enable-source-maps), cached apart', () => {
    writeFileSync(file, 'export const v: number = 3;\n');
    load(file, { PARLEY_TS_CACHE: cache });
    load(file, { PARLEY_TS_CACHE: cache }, ['--enable-source-maps']);
    const texts = entries(cache).map((entry) => readFileSync(entry, 'utf8')).filter((text) => text.includes('v = 3'));
    expect(texts).toHaveLength(2);
    expect(texts.filter((text) => text.includes('sourceMappingURL=data:'))).toHaveLength(1);
  });

  test('PARLEY_TS_CACHE=off compiles in memory and writes nothing', () => {
    writeFileSync(file, 'export const v: number = 4;\n');
    const before = entries(cache).length;
    expect(load(file, { PARLEY_TS_CACHE: 'off' })).toEqual({ v: 4, swcLoaded: true });
    expect(load(file, { PARLEY_TS_CACHE: 'off' })).toEqual({ v: 4, swcLoaded: true });
    expect(entries(cache)).toHaveLength(before);
  });
});
