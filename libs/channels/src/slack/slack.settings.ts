import type { SettingsReader } from '../settings/settings.reader';

/** A bot's Slack channel (`<bot>.slack` in the channels file). */
export interface SlackSettings {
  /** The app's bot token (`xoxb-…`), sent as `Authorization: Bearer` to chat.postMessage. */
  readonly botToken: string;
  /** The app's signing secret: every Events API request is signed with it (`X-Slack-Signature`). */
  readonly signingSecret: string;
  /** The Web API's base URL (default https://slack.com/api; tests point it at a local imitation). */
  readonly apiBaseUrl: string;
}

export const SLACK_API_BASE_URL = 'https://slack.com/api';

/** The settings validator of the Slack channel. */
export function readSlackSettings(reader: SettingsReader): SlackSettings {
  return {
    botToken: reader.secret('botToken', { pattern: /^xoxb-[A-Za-z0-9-]{10,250}$/, shape: 'a bot token, xoxb-…' }),
    signingSecret: reader.secret('signingSecret', { pattern: /^[A-Za-z0-9]{16,128}$/, shape: "the app's signing secret (letters and digits)" }),
    apiBaseUrl: reader.url('apiBaseUrl', SLACK_API_BASE_URL),
  };
}
