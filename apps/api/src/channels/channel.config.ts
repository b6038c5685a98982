import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SettingsReader, type ChannelAdapter, type ChannelDeps, type ChannelPlugin } from '@parley/channels';
import { parse } from 'yaml';

/** One enabled channel of one bot, validated: `create` builds its adapter. */
export interface ConfiguredChannel {
  readonly botId: string;
  readonly channel: string;
  /** The validated settings (secrets included: never log them). */
  readonly settings: unknown;
  create(deps: ChannelDeps): ChannelAdapter;
}

/**
 * The channels file (`CHANNELS_FILE`): bot id → channel name → that channel's settings.
 *
 * ```yaml
 * juice:
 *   telegram: { botToken: ${TELEGRAM_BOT_TOKEN}, secretToken: ${TELEGRAM_SECRET_TOKEN} }
 *   slack: { botToken: ${SLACK_BOT_TOKEN}, signingSecret: ${SLACK_SIGNING_SECRET}, enabled: false }
 * ```
 *
 * `${NAME}` in a value is read from the environment; `enabled: false` turns a channel off (its variables are then not
 * needed). Every problem is collected and returned; the caller (loadConfig) stops start-up with all of them.
 */
export function readChannelsFile(
  file: string,
  env: Readonly<Record<string, string | undefined>>,
  plugins: readonly ChannelPlugin[],
  cwd = process.cwd(),
): { channels: ConfiguredChannel[]; problems: string[] } {
  const path = resolve(cwd, file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : `cannot be read (${(error as Error).message})`;
    return { channels: [], problems: [`CHANNELS_FILE ${path} ${reason}`] };
  }
  let document: unknown;
  try {
    document = parseWithVariables(text);
  } catch (error) {
    return { channels: [], problems: [`CHANNELS_FILE ${path} is not valid YAML: ${(error as Error).message.split('\n')[0]}`] };
  }
  const { channels, problems } = readChannels(document ?? {}, env, plugins);
  return { channels, problems: problems.map((p) => `CHANNELS_FILE ${file}: ${p}`) };
}

/** Validate a parsed channels document (see `readChannelsFile`). */
export function readChannels(
  document: unknown,
  env: Readonly<Record<string, string | undefined>>,
  plugins: readonly ChannelPlugin[],
): { channels: ConfiguredChannel[]; problems: string[] } {
  const problems: string[] = [];
  const channels: ConfiguredChannel[] = [];
  if (!isRecord(document)) return { channels, problems: ['the file must map bot ids to their channels (juice: { telegram: {...} })'] };
  const byName = new Map(plugins.map((p) => [p.channel, p]));
  for (const [botId, entry] of Object.entries(document)) {
    if (!isRecord(entry)) {
      problems.push(`${botId} must map channel names to settings (e.g. ${botId}: { telegram: {...} })`);
      continue;
    }
    for (const [name, raw] of Object.entries(entry)) {
      const where = `${botId}.${name}`;
      const plugin = byName.get(name);
      if (!plugin) {
        problems.push(`${where}: unknown channel '${name}' (known: ${[...byName.keys()].join(', ') || 'none'})`);
        continue;
      }
      const values = raw ?? {};
      if (!isRecord(values)) {
        problems.push(`${where} must be a map of settings`);
        continue;
      }
      const enabled = values.enabled ?? true;
      if (typeof enabled !== 'boolean') {
        problems.push(`${where}.enabled must be true or false (got ${JSON.stringify(enabled)})`);
        continue;
      }
      if (!enabled) continue;
      const reader = new SettingsReader(values, where, env);
      const settings = plugin.readSettings(reader);
      reader.done();
      if (reader.problems.length > 0) {
        problems.push(...reader.problems);
        continue;
      }
      channels.push(Object.freeze({ botId, channel: name, settings, create: (deps: ChannelDeps) => plugin.create(botId, settings, deps) }));
    }
  }
  return { channels, problems };
}

/**
 * YAML with `${NAME}` anywhere a value goes, flow maps included (`{ botToken: ${TOKEN} }`, where `{` would otherwise
 * start a map). Each `${…}` is swapped for a plain placeholder before parsing and put back in the parsed strings, so
 * the variables are resolved per channel afterwards (a disabled channel needs none) and their values never reach the
 * YAML parser (a secret with `#` or `, ` cannot change the file's structure).
 */
export function parseWithVariables(text: string): unknown {
  const nonce = randomBytes(6).toString('hex');
  const names: string[] = [];
  const marked = text.replace(/\$\{[^}\s]*\}/g, (whole) => `parley_var_${nonce}_${names.push(whole) - 1}_`);
  const restore = (value: unknown): unknown => {
    if (typeof value === 'string') return value.replace(new RegExp(`parley_var_${nonce}_(\\d+)_`, 'g'), (_m, i: string) => names[Number(i)]!);
    if (Array.isArray(value)) return value.map(restore);
    if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, restore(v)]));
    return value;
  };
  return restore(parse(marked));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
