import { setTelegramWebhook, type TelegramSettings } from '@parley/channels';
import { ConfigError, ENVIRONMENT, loadConfig } from '../config/app.config';
import { runCommand, type CommandSpec } from './command-line';

export const telegramWebhookCommand: CommandSpec = {
  name: 'npm run telegram:webhook --',
  summary:
    "Register a bot's Telegram webhook (the Bot API's setWebhook) with the secret token of its channels file, so that\n" +
    'Telegram POSTs its updates to Parley. Run it once per bot, and again when the URL or the secret changes.',
  positionals: [{ name: 'bot', required: true, description: 'a bot with a telegram channel in CHANNELS_FILE' }],
  options: {
    url: { type: 'string', value: 'https-url', description: "Parley's public webhook URL, https://<host>/channels/telegram/<bot> (required)" },
    'drop-pending-updates': { type: 'boolean', description: 'drop the updates Telegram queued while no webhook was set' },
  },
  environment: { CHANNELS_FILE: ENVIRONMENT.CHANNELS_FILE!, '${NAME}': 'the variables the channels file names (the bot token, the secret token)' },
  notes: ['Example: npm run telegram:webhook -- juice --url https://bots.example.com/channels/telegram/juice'],
};

if (require.main === module) {
  runCommand(telegramWebhookCommand, async ({ positionals, values }) => {
    const botId = positionals[0]!;
    const url = typeof values.url === 'string' ? values.url : undefined;
    const usage = (message: string) => {
      process.stderr.write(`${message}\nRun '${telegramWebhookCommand.name} --help' for the options.\n`);
      return 2;
    };
    if (!url) return usage('Missing --url: the https URL Telegram should POST updates to.');
    if (!/^https:\/\/[^/\s]+/.test(url)) return usage(`--url must be an https URL (Telegram calls webhooks over HTTPS only); got ${JSON.stringify(url)}.`);
    let settings: TelegramSettings | undefined;
    try {
      const config = loadConfig();
      settings = config.channels.find((c) => c.botId === botId && c.channel === 'telegram')?.settings as TelegramSettings | undefined;
      if (!settings) {
        process.stderr.write(
          `No telegram channel for '${botId}' in ${config.channelsFile ? `CHANNELS_FILE ${config.channelsFile}` : 'the configuration (CHANNELS_FILE is not set)'}: ` +
            'add one (docs/channels.md#telegram).\n',
        );
        return 2;
      }
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    if (!new URL(url).pathname.endsWith(`/channels/telegram/${botId}`)) {
      process.stderr.write(`Note: Parley serves this bot's webhook at /channels/telegram/${botId}; ${url} does not end with it.\n`);
    }
    await setTelegramWebhook(settings, url, fetch, { dropPendingUpdates: values['drop-pending-updates'] === true });
    process.stdout.write(`Telegram now POSTs ${botId}'s updates to ${url}, with the secret token in X-Telegram-Bot-Api-Secret-Token.\n`);
    return 0;
  });
}
