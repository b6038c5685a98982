import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import type { ThreadsView, TurnResult } from '@parley/dialogue-core';
import { findBot, bots } from '@parley/machines';
import { conversationIdFor } from '@parley/persistence';
import { createApp } from '../app.factory';
import { loadConfig } from '../config/app.config';
import { TurnService } from '../turns/turn.service';

const CHANNEL = 'terminal';

interface ChatArgs {
  bot: string;
  user: string;
  trace: boolean;
}

const USAGE = 'usage: npm run chat -- <bot> [--user <id>] [--trace]';

export function parseChatArgs(argv: readonly string[]): ChatArgs | string {
  let bot: string | undefined;
  let user = 'terminal-user';
  let trace = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--trace') trace = true;
    else if (arg === '--user') {
      const value = argv[++i];
      if (!value || value.startsWith('--')) return `--user needs an id. ${USAGE}`;
      user = value;
    } else if (arg.startsWith('--user=')) user = arg.slice('--user='.length);
    else if (arg === '--help' || arg === '-h') return USAGE;
    else if (arg.startsWith('-')) return `Unknown option ${arg}. ${USAGE}`;
    else if (!bot) bot = arg;
    else return `One bot at a time. ${USAGE}`;
  }
  if (!bot) return `Which bot? ${bots.map((b) => b.id).join(', ')}. ${USAGE}`;
  return { bot, user, trace };
}

/** One line: focus, active stage path, and the stacks. */
export function traceLine(threads: ThreadsView, path: readonly string[]): string {
  const list = (items: readonly string[]) => (items.length ? items.join(',') : '–');
  return `[focus ${threads.focus} | ${path.join(' > ') || '–'} | sleeping ${list(threads.sleeping)} | yielding ${list(
    threads.yielding,
  )} | blocking ${list(threads.blocking)}]`;
}

/**
 * `npm run chat -- <bot>`: talk to a bot in the terminal through the same turn pipeline and database as the server
 * (embedded by default, `DATABASE_URL` otherwise). Ctrl-D or Ctrl-C ends the chat; the conversation stays stored.
 */
async function main(): Promise<number> {
  const args = parseChatArgs(process.argv.slice(2));
  if (typeof args === 'string') {
    process.stderr.write(`${args}\n`);
    return 2;
  }
  const bot = findBot(args.bot);
  if (!bot) {
    process.stderr.write(`No bot '${args.bot}'. Bots: ${bots.map((b) => b.id).join(', ')}\n`);
    return 2;
  }
  const config = loadConfig({ ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent' });
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const parley = await createApp({
    bots,
    config,
    listen: false,
    // Pushed replies (external events, timers) reach the terminal too.
    deliveries: {
      channels: {
        [CHANNEL]: async (item) => {
          const payload = item.payload as { text?: string; replies?: { text: string }[] };
          for (const text of payload.replies?.map((r) => r.text) ?? (payload.text ? [payload.text] : []))
            out(`bot> ${text}`);
        },
      },
    },
  });
  const turns = parley.app.get(TurnService);
  const seen: { last?: TurnResult } = {};
  const previous = turns.onCommitted;
  turns.onCommitted = (done) => {
    seen.last = done.turn?.result;
    previous(done);
  };
  const conversationId = conversationIdFor(bot.id, CHANNEL, args.user);
  out(`Chatting with '${bot.id}' as '${args.user}' (conversation ${conversationId}). Ctrl-D or Ctrl-C to leave.`);

  const rl = createInterface({
    input: process.stdin,
    output: process.stdout,
    prompt: 'you> ',
    terminal: process.stdin.isTTY,
  });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    rl.close();
    await parley.close();
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
        if ([...text].length > 4096) out('bot> (messages are limited to 4096 characters)');
        else {
          seen.last = undefined;
          const response = await turns.take({
            target: {
              kind: 'user',
              bot,
              key: { id: conversationId, botId: bot.id, channel: CHANNEL, userId: args.user },
            },
            input: { kind: 'message', text },
            messageId: randomUUID(),
            dedupeChannel: CHANNEL,
            delivery: 'response',
          });
          for (const reply of response.replies) out(`bot> ${reply.text}`);
          const result = lastResult(seen);
          if (args.trace && result) out(`     ${traceLine(result.threads, result.activePath)}`);
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

// Set by the commit callback, which TypeScript's narrowing cannot see.
function lastResult(seen: { last?: TurnResult }): TurnResult | undefined {
  return seen.last;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`chat failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
