import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { NluError } from '../nlu.error';

/** One held-out utterance: what the NLU must find. `intent: null` = must not be understood. */
export interface TestCase {
  text: string;
  intent: string | null;
  entities: { name: string; value: string | number }[];
}

/** Reads `test-set.yaml`: a list of `{ text, intent, entities: { name: value | [values] } }`. */
export async function loadTestSet(file: string): Promise<TestCase[]> {
  const fail: (message: string) => never = (message) => {
    throw new NluError('NLU_CORPUS_INVALID', `${file}: ${message}`, { file });
  };
  const doc: unknown = parse(await readFile(file, 'utf8'));
  if (!Array.isArray(doc)) return fail('expected a list of { text, intent, entities }');
  return doc.map((raw: unknown, i): TestCase => {
    if (typeof raw !== 'object' || raw === null) return fail(`item ${i + 1}: expected a mapping`);
    const item = raw as Record<string, unknown>;
    // YAML reads a bare phone number as a number: accept it as text.
    if (typeof item.text !== 'string' && typeof item.text !== 'number') return fail(`item ${i + 1}: missing text`);
    if (item.intent !== null && typeof item.intent !== 'string') return fail(`item ${i + 1}: intent must be a name or null`);
    const entities: TestCase['entities'] = [];
    for (const [name, v] of Object.entries((item.entities ?? {}) as Record<string, unknown>)) {
      for (const value of Array.isArray(v) ? v : [v]) {
        if (typeof value !== 'string' && typeof value !== 'number') fail(`item ${i + 1}: bad value for ${name}`);
        entities.push({ name, value });
      }
    }
    return { text: String(item.text), intent: item.intent, entities };
  });
}
