import type { Json, MemoryAddress, MemoryPort } from '../ports/memory.port';
import type { Effect } from '../types';

/**
 * Scoped memory in a Map: for tests, the terminal chat without a database, and benchmarks.
 * `apply()` plays the role of the turn's commit.
 */
export class InMemoryMemory implements MemoryPort {
  private readonly records = new Map<string, Json>();
  reads = 0;

  async read(addresses: readonly MemoryAddress[]): Promise<(Json | undefined)[]> {
    this.reads++;
    return addresses.map(({ scope, name }) => structuredClone(this.records.get(`${scope}#${name}`)));
  }

  apply(effects: readonly Effect[]): void {
    for (const effect of effects) {
      if (effect.type === 'memory.write')
        this.records.set(`${effect.scope}#${effect.name}`, structuredClone(effect.data));
    }
  }

  get(scope: string, name: string): Json | undefined {
    return this.records.get(`${scope}#${name}`);
  }

  /** Every record, as `scope#name → data`. */
  dump(): Record<string, Json> {
    return Object.fromEntries(this.records);
  }
}
