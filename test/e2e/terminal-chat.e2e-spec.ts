import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { get } from '../helpers/in-process-app';
import { spawnServer } from '../helpers/server-process';
import { dropSchema, freshSchema, testDatabaseKind } from '../helpers/test-database';

const ROOT = resolve(__dirname, '../..');

/** The terminal chat under a real pseudo-terminal (util-linux `script`), typed into like a person would. */
/** Every chat a test started, so that a failed test does not leave one waiting for input. */
const started: Terminal[] = [];

class Terminal {
  private output = '';
  private waiters: (() => void)[] = [];
  private done = false;
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcessWithoutNullStreams;

  constructor(args: string[], env: Record<string, string>) {
    const command = [process.execPath, '-r', './scripts/register-ts.js', 'apps/api/src/cli/chat/chat.ts', ...args].join(
      ' ',
    );
    this.child = spawn('script', ['-qfec', command, '/dev/null'], { cwd: ROOT, env: { ...process.env, ...env } });
    started.push(this);
    const onData = (chunk: Buffer) => {
      this.output += chunk.toString();
      for (const wake of this.waiters.splice(0)) wake();
    };
    this.child.stdout.on('data', onData);
    this.child.stderr.on('data', onData);
    this.exited = new Promise((done) =>
      this.child.once('exit', (code) => {
        this.done = true;
        for (const wake of this.waiters.splice(0)) wake();
        done(code);
      }),
    );
  }

  text(): string {
    return this.output;
  }

  /** Resolves when the screen so far satisfies `predicate` (on output events, no polling). */
  async until(predicate: (screen: string) => boolean): Promise<void> {
    while (!predicate(this.output)) {
      if (this.done) throw new Error(`The chat exited while waiting. Screen:\n${this.output}`);
      await new Promise<void>((wake) => this.waiters.push(wake));
    }
  }

  prompts(): number {
    return this.output.split('you> ').length - 1;
  }

  /** Type a line and wait for the bot to answer and prompt again. */
  async say(line: string): Promise<string> {
    const before = this.output.length;
    const prompts = this.prompts();
    this.child.stdin.write(`${line}\r`);
    await this.until(() => this.prompts() > prompts);
    return this.output.slice(before);
  }

  key(sequence: string): void {
    this.child.stdin.write(sequence);
  }

  /** Ends the chat if it still runs (after a failed test). */
  async end(): Promise<void> {
    if (this.done) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }
}

describe(`terminal chat (${testDatabaseKind()})`, () => {
  const schema = freshSchema('chat');
  const env = { DATABASE_SCHEMA: schema, PARLEY_DATA_DIR: mkdtempSync(join(tmpdir(), 'parley-chat-')) };

  afterEach(async () => {
    await Promise.all(started.splice(0).map((terminal) => terminal.end()));
  });
  afterAll(() => dropSchema(schema));

  it('chats with juice, traces threads and stages, and leaves cleanly on Ctrl-D', async () => {
    const terminal = new Terminal(['juice', '--trace', '--user', 'pty-user'], env);
    await terminal.until((screen) => screen.includes('you> '));
    expect(await terminal.say('我想买果汁')).toMatch(
      /什么口味[\s\S]*\[focus order \| order\.ordering\.flavor \| sleeping – \| yielding – \| blocking –\]/,
    );
    expect(await terminal.say('长沙明天天气怎么样')).toMatch(
      /长沙明天.*度[\s\S]*还有其它问题吗[\s\S]*\[focus weather \| weather\.answering \| sleeping order/,
    );
    expect(await terminal.say('没有了')).toMatch(/什么口味[\s\S]*\[focus order/);
    terminal.key('\x04');
    expect(await terminal.exited).toBe(0);
    expect(terminal.text()).toContain('bye.');
  });

  it('continues the stored conversation of the same user, asking its question again, and leaves cleanly on Ctrl-C', async () => {
    const terminal = new Terminal(['juice', '--user', 'pty-user'], env);
    await terminal.until((screen) => screen.includes('you> '));
    // the order from the previous session is still waiting for a flavor, and says so before the first prompt
    expect(terminal.text()).toMatch(/on PostgreSQL from DATABASE_URL[^\n]*\n[\s\S]*bot> 请问您要什么口味[^\n]*\n[\s\S]*you> /);
    // A question's choices follow it, as the Studio shows them.
    expect(await terminal.say('苹果')).toContain('bot> 要加冰吗? [加冰 | 不加冰]');
    terminal.key('\x03');
    expect(await terminal.exited).toBe(0);
  });

  it('keeps users apart: another user starts from the beginning', async () => {
    const terminal = new Terminal(['juice', '--user', 'someone-else'], env);
    await terminal.until((screen) => screen.includes('you> '));
    expect(await terminal.say('苹果')).toMatch(/没听懂|还有什么可以帮您/);
    terminal.key('\x04');
    expect(await terminal.exited).toBe(0);
  });

  it('talks to a running server over its REST channel, resumes there, and opens the database itself once it stops', async () => {
    const server = await spawnServer({ ...env, DATABASE_URL: process.env.DATABASE_URL }, 'apps/api/src/main.ts');
    const addressFile = join(env.PARLEY_DATA_DIR, 'server.json');
    try {
      expect(statSync(addressFile).mode & 0o777).toBe(0o600);
      const terminal = new Terminal(['juice', '--user', 'pty-user', '--trace'], env);
      await terminal.until((screen) => screen.includes('you> '));
      expect(terminal.text()).toContain(`through the server at ${server.url}`);
      // the conversation the local chat left waiting for the ice answer, asked again, with its trace
      expect(terminal.text()).toMatch(/bot> 要加冰吗[^\n]*\n\s*\[focus order \| order\.ordering\.ice/);
      expect(await terminal.say('常温')).toMatch(/杯装还是碗装[\s\S]*\[focus order \| order\.ordering\.package/);
      terminal.key('\x04');
      expect(await terminal.exited).toBe(0);
      // the turn went through the server: it is in the REST channel's transcript the server serves
      const id = /conversation (juice-\S+)\)/.exec(terminal.text())![1]!;
      const token = /admin token \(generated[^:]*: (\S+)/.exec(server.output())![1]!;
      const transcript = await get(`${server.url}/api/conversations/${id}/transcript`, token);
      expect(transcript.body.items.at(-1).text).toMatch(/杯装还是碗装/);
    } finally {
      expect(await server.stop()).toBe(0);
    }
    expect(existsSync(addressFile)).toBe(false);
    const terminal = new Terminal(['juice', '--user', 'pty-user'], env);
    await terminal.until((screen) => screen.includes('you> '));
    expect(terminal.text()).toMatch(/on PostgreSQL from DATABASE_URL[\s\S]*bot> 请问要杯装还是碗装/);
    terminal.key('\x04');
    expect(await terminal.exited).toBe(0);
  });

  it('refuses an unknown bot with a clear message', async () => {
    const terminal = new Terminal(['nosuchbot'], env);
    expect(await terminal.exited).toBe(2);
    expect(terminal.text()).toContain("No bot 'nosuchbot'. Bots: juice, pizza");
  });
});
