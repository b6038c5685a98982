import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { helpText } from '../../apps/api/src/cli/command-line';
import { COMMANDS, npmRun, ROOT } from '../helpers/commands';
import { get, post } from '../helpers/in-process-app';
import { testDatabaseKind } from '../helpers/test-database';

// These run the npm scripts themselves, on the embedded database a user gets with no configuration. They use no
// database of the suite's, so they run once: in the embedded pass of `npm test`.
const describeOnce = testDatabaseKind() === 'embedded' ? describe : describe.skip;

describeOnce('the npm commands', () => {
  test.each(COMMANDS)('npm run $script -- --help prints its options; a bad option exits 2 and points at --help', async ({ script, spec }) => {
    const [help, bad] = await Promise.all([
      npmRun(script, ['--help'], {}),
      npmRun(script, ['--no-such-option'], {}),
    ]);
    expect(help).toEqual({ code: 0, stdout: helpText(spec), stderr: '' });
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toBe(`Unknown option '--no-such-option'.\nRun '${spec.name} --help' for the options.\n`);
  });

  test('npm run nlu:eval -- --help is the help, not a bot named --help', async () => {
    const result = await npmRun('nlu:eval', ['juice', '--help'], {});
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: npm run nlu:eval -- \[bot\] \[options\]/);
  });

  describe('run together, on the embedded database', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'parley-commands-'));
    // An empty DATABASE_URL is unset for Parley: the embedded database in dataDir.
    const env = { DATABASE_URL: '', PARLEY_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn' };
    let server: ChildProcessWithoutNullStreams | undefined;

    afterAll(async () => {
      if (server && server.exitCode === null && server.signalCode === null) await stopGroup(server);
      rmSync(dataDir, { recursive: true, force: true });
    });

    test('a running npm start, with npm run chat, npm run nlu:eval and a second npm start beside it', async () => {
      // Its own process group, so that stopping it reaches node under npm and sh.
      server = spawn('npm', ['start'], { cwd: ROOT, env: { ...process.env, ...env }, detached: true });
      const url = await listening(server);
      const { pid } = JSON.parse(readFileSync(join(dataDir, 'server.json'), 'utf8')) as { pid: number };

      const [chat, evaluation, second] = await Promise.all([
        npmRun('chat', ['juice', '--user', 'together'], env, '我想买果汁\n'),
        npmRun('nlu:eval', ['juice'], env),
        npmRun('start', [], env),
      ]);
      expect(chat.code).toBe(0);
      expect(chat.stdout).toContain(`through the server at ${url}`);
      expect(chat.stdout).toMatch(/bot> 请问您要什么口味/);
      expect(evaluation.code).toBe(0);
      expect(evaluation.stdout).toMatch(/intent accuracy: \d/);
      // The second server cannot have the data directory, says whose it is, and leaves the first one alone.
      expect(second.code).toBe(1);
      expect(second.stderr).toContain('DATA_DIR_LOCKED');
      expect(second.stderr).toContain(`in use by process ${pid}`);
      expect((await get(`${url}/health`)).status).toBe(200);
      const turn = await post(`${url}/channels/rest/juice`, { userId: 'together', text: '苹果' });
      expect(turn.body.replies[0].text).toMatch(/加冰/);

      // Stopped as Ctrl-C would stop it (the whole group): it shuts down and removes its address file.
      await stopGroup(server);
      expect(existsSync(join(dataDir, 'server.json'))).toBe(false);
    });
  });
});

/** Resolves with the URL of the "Parley listening on <url>" line. */
function listening(child: ChildProcessWithoutNullStreams): Promise<string> {
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Parley listening on (http:\/\/\S+)/.exec(output);
      if (match) resolve(match[1]!);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`npm start exited with ${code}:\n${output}`)));
  });
}

/**
 * SIGINT to the process group npm start runs in, as Ctrl-C sends it. Resolves when every process of the group has
 * closed the output pipes they share, i.e. when the server under npm has exited too.
 */
function stopGroup(child: ChildProcessWithoutNullStreams): Promise<void> {
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  process.kill(-child.pid!, 'SIGINT');
  return closed;
}
