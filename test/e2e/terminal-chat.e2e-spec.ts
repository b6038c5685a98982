import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { dropSchema, freshSchema, testDatabaseKind } from '../helpers/test-database';

const ROOT = resolve(__dirname, '../..');

/** The terminal chat under a real pseudo-terminal (util-linux `script`), typed into like a person would. */
class Terminal {
  private output = '';
  private waiters: (() => void)[] = [];
  private done = false;
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcessWithoutNullStreams;

  constructor(args: string[], env: Record<string, string>) {
    const command = [process.execPath, '-r', './scripts/register-ts.js', 'apps/api/src/cli/chat.ts', ...args].join(
      ' ',
    );
    this.child = spawn('script', ['-qfec', command, '/dev/null'], { cwd: ROOT, env: { ...process.env, ...env } });
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
}

describe(`terminal chat (${testDatabaseKind()})`, () => {
  const schema = freshSchema('chat');
  const env = { DATABASE_SCHEMA: schema, PARLEY_DATA_DIR: mkdtempSync(join(tmpdir(), 'parley-chat-')) };

  afterAll(() => dropSchema(schema));

  it('chats with juice, traces threads and stages, and leaves cleanly on Ctrl-D', async () => {
    const terminal = new Terminal(['juice', '--trace', '--user', 'pty-user'], env);
    await terminal.until((screen) => screen.includes('you> '));
    expect(await terminal.say('我想买果汁')).toMatch(
      /什么口味[\s\S]*\[focus order \| order\.askingFlavor \| sleeping – \| yielding – \| blocking –\]/,
    );
    expect(await terminal.say('长沙明天天气怎么样')).toMatch(
      /长沙明天.*度[\s\S]*还有其它问题吗[\s\S]*\[focus weather \| weather\.answering \| sleeping order/,
    );
    expect(await terminal.say('没有了')).toMatch(/什么口味[\s\S]*\[focus order/);
    terminal.key('\x04');
    expect(await terminal.exited).toBe(0);
    expect(terminal.text()).toContain('bye.');
  });

  it('continues the stored conversation of the same user, and leaves cleanly on Ctrl-C', async () => {
    const terminal = new Terminal(['juice', '--user', 'pty-user'], env);
    await terminal.until((screen) => screen.includes('you> '));
    // the order from the previous session is still waiting for a flavor
    expect(await terminal.say('苹果')).toContain('要加冰吗');
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

  it('refuses an unknown bot with a clear message', async () => {
    const terminal = new Terminal(['nosuchbot'], env);
    expect(await terminal.exited).toBe(2);
    expect(terminal.text()).toContain("No bot 'nosuchbot'. Bots: juice, pizza");
  });
});
