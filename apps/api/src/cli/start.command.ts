import { ENVIRONMENT } from '../config/app.config';
import type { CommandSpec } from './command-line';

/** `npm start`: its interface (apps/api/src/main.ts runs it). */
export const startCommand: CommandSpec = {
  name: 'npm start --',
  summary:
    'Serve the bots of machines/ over HTTP on the embedded database (./.parley) or on DATABASE_URL; prints the URL and\n' +
    'the admin token. Ctrl-C stops it. The address is kept in <PARLEY_DATA_DIR>/server.json while it runs, for npm run chat.',
  environment: ENVIRONMENT,
};
