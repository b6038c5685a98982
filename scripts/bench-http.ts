import { spawn, type ChildProcess } from 'node:child_process';
import { request, type Agent } from 'node:http';
import { join } from 'node:path';

/**
 * Start a Parley server process on the benchmark bots (scripts/bench-server.ts) in `schema`; its URL once listening.
 * `ipc`: open an IPC channel (the memory benchmark asks the server for its heap); `nodeFlags`: more node flags.
 */
export function startServer(
  databaseUrl: string,
  schema: string,
  options: { ipc?: boolean; nodeFlags?: readonly string[]; env?: Record<string, string> } = {},
): Promise<{ child: ChildProcess; url: string }> {
  // BENCH_SERVER_NODE_OPTIONS: extra node flags for the server process, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
  const nodeFlags = [...(process.env.BENCH_SERVER_NODE_OPTIONS ?? '').split(' ').filter(Boolean), ...(options.nodeFlags ?? [])];
  const child = spawn(process.execPath, [...nodeFlags, '-r', join(__dirname, 'register-ts.js'), join(__dirname, 'bench-server.ts')], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      DATABASE_SCHEMA: schema,
      PORT: '0',
      LOG_LEVEL: 'warn',
      DB_POOL_SIZE: '10',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'inherit', ...(options.ipc ? (['ipc'] as const) : [])],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /Parley listening on (\S+)/.exec(out);
      if (match) resolve({ child, url: match[1]! });
    });
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}: ${out}`)));
  });
}

/** POST a JSON body; the status once the response is read. */
export function postJson(agent: Agent | undefined, url: string, body: unknown): Promise<number> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}
