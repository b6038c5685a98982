/** JSON value stored in scoped memory. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * Address of one memory record: `scope` is the full scope key (e.g. `juice/user/u42`,
 * `juice/conversation/c1`, `juice/city=长沙/date=2026-11-23`), `name` the memory's name in the bot.
 */
export interface MemoryAddress {
  scope: string;
  name: string;
}

/** Reads scoped memory. Writes never go through the port: they come back from the turn as effects. */
export interface MemoryPort {
  read(addresses: readonly MemoryAddress[]): Promise<(Json | undefined)[]>;
}
