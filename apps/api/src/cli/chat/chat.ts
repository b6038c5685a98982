import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import type { ThreadsView } from '@parley/dialogue-core';
import { MAX_TEXT_LENGTH } from '@parley/channels';
import { bots, findBot } from '@parley/machines';
import { loadConfig } from '../../config/app.config';
import { runCommand, type ParsedCommandLine } from '../command-line';
import { chatCommand } from './chat.command';
import { replyLine, type ChatTransport } from './chat.transport';
import { openLocalChat } from './local-chat.transport';
import { connectToServer } from './remote-chat.transport';

/** One line: focus, active stage path, and the stacks. */
export function traceLine(threads: ThreadsView, path: readonly string[]): string {
  const list = (items: readonly string[]) => (items.length ? items.join(',') : '–');
  return `[focus ${threads.focus} | ${path.join(' > ') || '–'} | sleeping ${list(threads.sleeping)} | yielding ${list(
    threads.yielding,
  )} | blocking ${list(threads.blocking)}]`;
}

/**
 * `npm run chat -- <bot>`: a terminal conversation with a bot, through a running server when there is one
 * (remote-chat.transport.ts) and through Parley in this process otherwise (local-chat.transport.ts).
 */
async function chat({ positionals, values }: ParsedCommandLine): Promise<number> {
  const bot = findBot(positionals[0]!);
  if (!bot) {
    process.stderr.write(`No bot '${positionals[0]}'. Bots: ${bots.map((b) => b.id).join(', ')}\n`);
    return 2;
  }
  const user = values.user as string;
  const trace = values.trace === true;
  const config = loadConfig({ ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent' });
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const pushed = (text: string) => out(`bot> ${text}`);
  const transport: ChatTransport =
    (await connectToServer(config, bot.id, user, pushed)) ?? (await openLocalChat({ bots, config }, bot, user, pushed));
  out(`Chatting with '${bot.id}' as '${user}' ${transport.via} (conversation ${transport.conversationId}). Ctrl-D or Ctrl-C to leave.`);

  const showTrace = async () => {
    const view = await transport.view();
    if (view) out(`     ${traceLine(view.threads, view.activePath)}`);
  };
  // Coming back to a conversation that waits for an answer: ask the question again, as the bot does after a wake.
  const resumed = await transport.view();
  if (resumed?.status === 'active' && resumed.pendingQuestion) {
    out(`bot> ${replyLine({ text: resumed.pendingQuestion, choices: resumed.pendingChoices })}`);
    if (trace) out(`     ${traceLine(resumed.threads, resumed.activePath)}`);
  }

  const rl = createInterface({ input: process.stdin, output: process.stdout, prompt: 'you> ', terminal: process.stdin.isTTY });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    rl.close();
    await transport.close();
  };
  rl.on('SIGINT', () => {
    out('');
    void close();
  });
  process.on('SIGTERM', () => void close());

  rl.prompt();
  try {
    for await (const line of rl) {
      const text = line.trim();
      if (text) {
        if ([...text].length > MAX_TEXT_LENGTH) out(`bot> (messages are limited to ${MAX_TEXT_LENGTH} characters)`);
        else {
          for (const reply of await transport.send(text, randomUUID())) out(`bot> ${reply}`);
          if (trace) await showTrace();
        }
      }
      if (closed) break;
      rl.prompt();
    }
  } finally {
    await close();
  }
  out('bye.');
  return 0;
}

if (require.main === module) runCommand(chatCommand, chat);
