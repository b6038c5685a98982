import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import type { CommandSpec } from '../../apps/api/src/cli/command-line';
import { chatCommand } from '../../apps/api/src/cli/chat/chat.command';
import { diagramCommand } from '../../apps/api/src/cli/diagram';
import { startCommand } from '../../apps/api/src/cli/start.command';
import { telegramWebhookCommand } from '../../apps/api/src/cli/telegram-webhook';
import { benchCommand } from '../../scripts/bench';
import { benchSlowCommand } from '../../scripts/bench-slow';
import { benchPeersCommand } from '../../scripts/bench-peers';
import { benchMemoryCommand } from '../../scripts/bench-memory';
import { benchDiagramCommand } from '../../scripts/bench-diagram';
import { benchPathsCommand } from '../../scripts/bench-paths';
import { checkCommandSpec } from '../../scripts/check';
import { pathsCommandSpec } from '../../scripts/paths';
import { buildCommand } from '../../scripts/build';
import { nluEvalCommand } from '../../scripts/nlu-eval';
import { nluTypesCommand } from '../../scripts/nlu-types';

export const ROOT = resolve(__dirname, '../..');

/** Parley's own commands: the npm script and the interface its `--help` prints. */
export const COMMANDS: { script: string; spec: CommandSpec }[] = [
  { script: 'start', spec: startCommand },
  { script: 'chat', spec: chatCommand },
  { script: 'diagram', spec: diagramCommand },
  { script: 'telegram:webhook', spec: telegramWebhookCommand },
  { script: 'nlu:eval', spec: nluEvalCommand },
  { script: 'nlu:types', spec: nluTypesCommand },
  { script: 'bench', spec: benchCommand },
  { script: 'bench:peers', spec: benchPeersCommand },
  { script: 'bench:memory', spec: benchMemoryCommand },
  { script: 'bench:slow', spec: benchSlowCommand },
  { script: 'bench:diagram', spec: benchDiagramCommand },
  { script: 'bench:paths', spec: benchPathsCommand },
  { script: 'paths', spec: pathsCommandSpec },
  { script: 'check', spec: checkCommandSpec },
  { script: 'build', spec: buildCommand },
];

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `npm run -s <script> -- <args>` in the repository, as a user types it; `input` is written to its stdin. */
export function npmRun(script: string, args: string[], env: Record<string, string>, input = ''): Promise<Finished> {
  const child = spawn('npm', ['run', '-s', script, '--', ...args], { cwd: ROOT, env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(input);
  return new Promise((done) => child.once('close', (code) => done({ code, stdout, stderr })));
}
