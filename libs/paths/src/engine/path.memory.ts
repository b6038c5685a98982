import {
  preloadAddresses,
  type BotDefinition,
  type Effect,
  type Json,
  type MemoryAddress,
  type MemoryPort,
  type MemoryView,
} from '@parley/dialogue-core';

/** Scoped memory of one generated conversation: a map that can be copied at every state of the graph. */
export class PathMemory implements MemoryPort {
  private constructor(private readonly records: ReadonlyMap<string, Json>) {}

  static empty(): PathMemory {
    return new PathMemory(new Map());
  }

  async read(addresses: readonly MemoryAddress[]): Promise<(Json | undefined)[]> {
    return addresses.map(({ scope, name }) => structuredClone(this.records.get(`${scope}#${name}`)));
  }

  /** This memory with a turn's writes applied (the turn's commit). */
  after(effects: readonly Effect[]): PathMemory {
    const writes = effects.filter((e) => e.type === 'memory.write');
    if (writes.length === 0) return this;
    const records = new Map(this.records);
    for (const write of writes) records.set(`${write.scope}#${write.name}`, structuredClone(write.data));
    return new PathMemory(records);
  }

  /** User- and conversation-scoped memory by name, as guards and prompts see it. */
  view(bot: BotDefinition, ids: { userId: string; conversationId: string }): MemoryView {
    const view: Record<string, Json | undefined> = {};
    for (const { name, address } of preloadAddresses(bot.catalog, ids)) {
      view[name] = this.records.get(`${address.scope}#${address.name}`) ?? bot.catalog.declarations[name]?.initial;
    }
    return view;
  }
}
