import { bots } from '@parley/machines';
import type { CommandSpec } from '../command-line';

/** `npm run chat`: its interface (chat.ts runs it). */
export const chatCommand: CommandSpec = {
  name: 'npm run chat --',
  summary:
    'Chat with a bot in the terminal. When `npm start` runs on the same data directory and database, the chat talks to\n' +
    'it over the REST channel; otherwise it opens the database itself. The conversation is the REST channel\'s\n' +
    "conversation of --user either way; a conversation left waiting for an answer asks its question again.\n" +
    'Ctrl-D or Ctrl-C leaves; the conversation stays stored.',
  positionals: [{ name: 'bot', required: true, description: `the bot to talk to: ${bots.map((b) => b.id).join(', ')}` }],
  options: {
    user: { type: 'string', value: 'id', default: 'terminal-user', description: 'who you are: each user has a conversation of their own' },
    trace: { type: 'boolean', description: 'after each reply, print the focus, the active stage and the thread stacks' },
  },
  environment: {
    PARLEY_DATA_DIR: 'where the embedded database and the running server\'s address file are (default ./.parley)',
    DATABASE_URL: 'a PostgreSQL server instead of the embedded database (as for npm start)',
    DATABASE_SCHEMA: "schema of Parley's tables (default public)",
    LOG_LEVEL: 'server logs when the chat opens the database itself (default silent)',
  },
};
