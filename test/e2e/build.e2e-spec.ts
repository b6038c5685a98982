import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { post } from '../helpers/in-process-app';
import { spawnServer } from '../helpers/server-process';
import { testDatabaseKind } from '../helpers/test-database';

const ROOT = resolve(__dirname, '../..');

// `npm run build` compiles every source the server runs (but not the browser pages, which have their own tsconfig
// and are bundled at run time) to dist/, and the compiled server serves the demo bots. Runs once, in the embedded pass
// (it uses no test database).
const describeEmbedded = testDatabaseKind() === 'embedded' ? describe : describe.skip;

describeEmbedded('npm run build', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-build-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  test('compiles, and node dist/apps/api/src/main.js serves juice, the Studio and the web chat', async () => {
    await promisify(execFile)(process.execPath, ['-r', join(ROOT, 'scripts/register-ts.js'), join(ROOT, 'scripts/build.ts')], {
      cwd: ROOT,
      maxBuffer: 16 * 1024 * 1024,
    });
    expect(existsSync(join(ROOT, 'dist/apps/api/src/main.js'))).toBe(true);
    // No TypeScript hook in the process: plain node on the compiled tree.
    const server = await spawnServer({ PARLEY_DATA_DIR: dataDir, DATABASE_URL: undefined }, 'dist/apps/api/src/main.js');
    try {
      const turn = await post(`${server.url}/channels/rest/juice`, { userId: 'built', messageId: 'b-1', text: '我想买果汁' });
      expect(turn.status).toBe(200);
      expect(JSON.stringify(turn.body)).toContain('什么口味');
      for (const page of ['/studio', '/studio/assets/studio.js', '/webchat/juice']) {
        const response = await fetch(`${server.url}${page}`);
        expect({ page, status: response.status }).toEqual({ page, status: 200 });
      }
    } finally {
      await server.stop();
    }
  }, 240_000);
});
