import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCorpus } from './corpus.loader';
import type { Corpus } from './corpus.types';

/** TypeScript types of the built-in entities' values. */
const BUILTIN_TYPES: Record<string, string> = {
  number: 'number',
  money: 'number',
  /** An ISO date, `YYYY-MM-DD`. */
  date: 'string',
};

/**
 * The TypeScript source of a bot's entity value types, from its corpus: a dictionary entity's values are the union of
 * its canonical values, a regex entity's a string, the built-ins' a number (number, money) or an ISO date string.
 * Bots give it to their kit (`botKit<{ entities: JuiceEntities }>()`) so that `entity(event, 'flavor')` is typed.
 * `npm run nlu:types -- <bot>` writes it to `machines/<bot>/nlu/entities.ts`; a test fails when it is stale.
 */
export function entityTypesSource(corpus: Corpus, typeName: string): string {
  const lines: string[] = [];
  for (const builtin of corpus.builtins) lines.push(`  ${builtin}: ${BUILTIN_TYPES[builtin] ?? 'string'};`);
  for (const [name, def] of Object.entries(corpus.entities).sort(([a], [b]) => a.localeCompare(b))) {
    const type =
      def.kind === 'dictionary'
        ? Object.keys(def.values)
            .map((value) => JSON.stringify(value).replace(/^"|"$/g, "'"))
            .join(' | ')
        : 'string';
    lines.push(`  ${quoteKey(name)}: ${type};`);
  }
  return [
    `// Generated from the NLU corpus by \`npm run nlu:types -- ${corpus.bot}\`: do not edit (a test checks it is current).`,
    `/** The value of each entity of the \`${corpus.bot}\` bot, for its kit: \`botKit<{ entities: ${typeName} }>()\`. */`,
    `export type ${typeName} = {`,
    ...lines,
    '};',
    '',
  ].join('\n');
}

function quoteKey(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? name : `'${name}'`;
}

/** The generated entity types of a bot (`machines/<bot>/nlu/entities.ts`), and whether the file on disk is current. */
export async function entityTypesFile(
  bot: string,
  machinesDir: string,
): Promise<{ path: string; source: string; current: boolean }> {
  const corpus = await loadCorpus(bot, join(machinesDir, bot, 'nlu'));
  const typeName = `${bot.replace(/(^|-)([a-z])/g, (_match, _dash: string, c: string) => c.toUpperCase())}Entities`;
  const path = join(machinesDir, bot, 'nlu', 'entities.ts');
  const source = entityTypesSource(corpus, typeName);
  return { path, source, current: existsSync(path) && readFileSync(path, 'utf8') === source };
}
