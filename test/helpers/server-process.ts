import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');

export interface ServerProcess {
  readonly url: string;
  readonly pid: number;
  readonly child: ChildProcess;
  /** Everything the process wrote so far (stdout + stderr). */
  output(): string;
  /** SIGTERM and wait for exit. */
  stop(): Promise<number | null>;
  /** SIGKILL (no shutdown at all) and wait for exit. */
  kill(): Promise<void>;
  exited: Promise<number | null>;
}

/** Node's arguments for an entry file: TypeScript through scripts/register-ts.js, compiled JavaScript as it is. */
function nodeArgs(entry: string): string[] {
  return entry.endsWith('.js') ? [join(ROOT, entry)] : ['-r', join(ROOT, 'scripts/register-ts.js'), join(ROOT, entry)];
}

/**
 * Spawn a Parley server process running the TypeScript sources (through scripts/register-ts.js), or a compiled `.js`
 * entry, and wait for its "Parley listening on <url>" line. `entry` defaults to the counter-bot test server.
 */
export function spawnServer(env: Record<string, string | undefined>, entry = 'test/fixtures/server.entry.ts', timeoutMs = 60_000): Promise<ServerProcess> {
  const child = spawn(process.execPath, nodeArgs(entry), {
    cwd: ROOT,
    // One process unless a test asks for workers (WORKERS defaults to one per core on PostgreSQL).
    env: { PATH: process.env.PATH, PORT: '0', LOG_LEVEL: 'warn', WORKERS: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
  return new Promise((resolveStart, rejectStart) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      rejectStart(new Error(`server did not start in ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Parley listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolveStart({
          url: match[1]!,
          pid: child.pid!,
          child,
          output: () => output,
          exited,
          async stop() {
            if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
            return exited;
          },
          async kill() {
            if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
            await exited;
          },
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      rejectStart(new Error(`server exited with ${code} before listening:\n${output}`));
    });
  });
}

/** Run a process to completion (for "second instance must fail" checks). */
export function runToExit(
  env: Record<string, string | undefined>,
  entry: string,
  timeoutMs = 60_000,
): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, nodeArgs(entry), {
    cwd: ROOT,
    // One process unless a test asks for workers (WORKERS defaults to one per core on PostgreSQL).
    env: { PATH: process.env.PATH, PORT: '0', LOG_LEVEL: 'warn', WORKERS: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  return new Promise((resolveRun) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolveRun({ code, output });
    });
  });
}
