import { DefinitionError } from '../errors';
import type { Json, MemoryAddress } from '../ports/memory.port';

/**
 * A memory declaration. `scope` is `'user'` (long-term: survives quit, shared by every conversation of the user),
 * `'conversation'`, or a list of custom dimensions such as `['city', 'date']`: same dimension values, same data.
 *
 * @example
 * memory: {
 *   customer: { scope: 'user', initial: { orders: 0, member: false } },
 *   forecast: { scope: ['city', 'date'] },
 * }
 */
export interface MemoryDeclaration {
  scope: 'user' | 'conversation' | readonly string[];
  /** Value seen before anything was remembered. */
  initial?: Json;
}

/** All memory declarations of a bot, by name. */
export interface MemoryCatalog {
  bot: string;
  declarations: Record<string, MemoryDeclaration>;
}

/**
 * The synchronous view of user- and conversation-scoped memory that guards and actions receive as `memory`. A bot's
 * kit types it (`botKit<{ memory: { customer: Customer } }>()`).
 */
export type MemoryView = Readonly<Record<string, Json | undefined>>;

export function isPreloaded(declaration: MemoryDeclaration): boolean {
  return declaration.scope === 'user' || declaration.scope === 'conversation';
}

/** The scope key of a memory record: conversation id leads per-conversation keys, bot id leads all of them. */
export function scopeKey(
  catalog: MemoryCatalog,
  name: string,
  ids: { userId: string; conversationId: string },
  dimensions: Record<string, string | number> = {},
): string {
  const declaration = catalog.declarations[name];
  if (!declaration) {
    throw new DefinitionError(
      `Memory '${name}' is not declared. Declare it in a context's \`memory: { ${name}: { scope: … } }\`.`,
      { bot: catalog.bot },
    );
  }
  if (declaration.scope === 'user') return `${catalog.bot}/user/${ids.userId}`;
  if (declaration.scope === 'conversation') return `${catalog.bot}/conversation/${ids.conversationId}`;
  const parts = [...declaration.scope].sort().map((dimension) => {
    const value = dimensions[dimension];
    if (value === undefined || value === '') {
      throw new DefinitionError(`Memory '${name}' needs the scope dimension '${dimension}'.`, { bot: catalog.bot });
    }
    return `${dimension}=${String(value)}`;
  });
  return `${catalog.bot}/${parts.join('/')}`;
}

export function preloadAddresses(
  catalog: MemoryCatalog,
  ids: { userId: string; conversationId: string },
): { name: string; address: MemoryAddress }[] {
  return Object.entries(catalog.declarations)
    .filter(([, declaration]) => isPreloaded(declaration))
    .map(([name]) => ({ name, address: { scope: scopeKey(catalog, name, ids), name } }));
}
