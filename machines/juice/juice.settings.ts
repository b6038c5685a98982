import { DefinitionError } from '@parley/dialogue-core';

/** Default of `JUICE_READY_SECONDS`: a juice takes five minutes. */
export const DEFAULT_READY_SECONDS = 300;

/**
 * How long after payment the shop pushes «您的果汁做好了» (docs/juice.md): `JUICE_READY_SECONDS`, read once when the
 * bot is defined (the juice shop's own setting, not the server's). A value that is not a whole number of seconds from
 * 0 to 86400 stops the bot from loading, naming the variable.
 */
export function readySeconds(raw: string | undefined = process.env.JUICE_READY_SECONDS): number {
  if (raw === undefined || raw === '') return DEFAULT_READY_SECONDS;
  const seconds = Number(raw);
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > 86_400) {
    throw new DefinitionError(
      `JUICE_READY_SECONDS must be a whole number of seconds from 0 to 86400 (got ${JSON.stringify(raw)}).`,
      { bot: 'juice' },
    );
  }
  return seconds;
}
