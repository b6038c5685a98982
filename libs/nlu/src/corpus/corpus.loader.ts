import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { NluError } from '../nlu.error';
import type { BuiltinEntity, Corpus, EntityDef } from './corpus.types';

const BUILTINS: readonly BuiltinEntity[] = ['number', 'money', 'date'];

/** Corpus files are every `*.yaml`/`*.yml` of the folder except the held-out `test-set.*`. */
export function isCorpusFile(name: string): boolean {
  return /\.ya?ml$/.test(name) && !name.startsWith('test-set.');
}

type Raw = Record<string, unknown>;

function isRecord(v: unknown): v is Raw {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function stringList(v: unknown, where: string, fail: (m: string) => never): string[] {
  if (v === null || v === undefined) return [];
  const list = Array.isArray(v) ? v : [v];
  return list.map((x) => {
    if (typeof x !== 'string' && typeof x !== 'number') fail(`${where}: expected text, got ${JSON.stringify(x)}`);
    return String(x);
  });
}

function parseEntity(name: string, raw: unknown, fail: (m: string) => never): EntityDef {
  if (!isRecord(raw)) fail(`entity ${name}: expected "values:" or "regex:"`);
  if (raw.regex !== undefined) {
    const patterns = stringList(raw.regex, `entity ${name}.regex`, fail);
    for (const p of patterns) {
      try {
        new RegExp(p, 'u');
      } catch (cause) {
        fail(`entity ${name}: bad regex ${p}: ${(cause as Error).message}`);
      }
    }
    return { kind: 'regex', patterns };
  }
  if (!isRecord(raw.values)) fail(`entity ${name}: expected "values:" (canonical: [synonyms]) or "regex:"`);
  const values: Record<string, string[]> = {};
  for (const [canonical, synonyms] of Object.entries(raw.values)) {
    values[canonical] = stringList(synonyms, `entity ${name}.${canonical}`, fail);
  }
  if (raw.matchValues !== undefined && typeof raw.matchValues !== 'boolean') fail(`entity ${name}.matchValues: true or false`);
  return { kind: 'dictionary', values, matchValues: raw.matchValues !== false };
}

/** Parses one corpus file into `into` (files merge: intents and entity values accumulate). */
export function mergeCorpusFile(into: Omit<Corpus, 'hash' | 'files'>, text: string, file: string): void {
  const fail: (message: string) => never = (message) => {
    throw new NluError('NLU_CORPUS_INVALID', `${file}: ${message}`, { bot: into.bot, file });
  };
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (cause) {
    throw new NluError('NLU_CORPUS_INVALID', `${file}: ${(cause as Error).message}`, { bot: into.bot, file }, { cause });
  }
  if (doc === null || doc === undefined) return;
  if (!isRecord(doc)) fail('expected a mapping with locale / intents / entities');
  for (const key of Object.keys(doc)) {
    if (!['locale', 'builtins', 'intents', 'none', 'entities'].includes(key)) fail(`unknown section "${key}"`);
  }
  if (typeof doc.locale === 'string') into.locale = doc.locale;
  for (const b of stringList(doc.builtins, 'builtins', fail)) {
    if (!BUILTINS.includes(b as BuiltinEntity)) fail(`unknown builtin "${b}" (known: ${BUILTINS.join(', ')})`);
    if (!into.builtins.includes(b as BuiltinEntity)) into.builtins.push(b as BuiltinEntity);
  }
  if (doc.intents !== undefined) {
    if (!isRecord(doc.intents)) fail('intents: expected intent → [examples]');
    for (const [intent, examples] of Object.entries(doc.intents)) {
      (into.intents[intent] ??= []).push(...stringList(examples, `intents.${intent}`, fail));
    }
  }
  into.none.push(...stringList(doc.none, 'none', fail));
  if (doc.entities !== undefined) {
    if (!isRecord(doc.entities)) fail('entities: expected entity → definition');
    for (const [name, raw] of Object.entries(doc.entities)) {
      const def = parseEntity(name, raw, fail);
      const prev = into.entities[name];
      if (prev?.kind === 'dictionary' && def.kind === 'dictionary') {
        for (const [v, syn] of Object.entries(def.values)) (prev.values[v] ??= []).push(...syn);
      } else if (prev) fail(`entity ${name} is defined twice`);
      else into.entities[name] = def;
    }
  }
}

/** Rejects corpora that would train badly: empty intents, and one example under two intents. */
function validate(corpus: Omit<Corpus, 'hash' | 'files'>, dir: string): void {
  const owner = new Map<string, string>();
  const fail: (message: string) => never = (message) => {
    throw new NluError('NLU_CORPUS_INVALID', `${dir}: ${message}`, { bot: corpus.bot, file: dir });
  };
  if (Object.keys(corpus.intents).length < 2) fail('a corpus needs at least two intents');
  for (const [intent, examples] of Object.entries({ ...corpus.intents, '(none)': corpus.none })) {
    if (intent !== '(none)' && examples.length === 0) fail(`intent ${intent} has no examples`);
    for (const e of examples) {
      const key = e.trim().toLowerCase();
      const other = owner.get(key);
      if (other !== undefined && other !== intent) fail(`"${e}" is an example of both ${other} and ${intent}`);
      owner.set(key, intent);
    }
  }
}

/** Parses corpus files given as (name, text) pairs: the pure part of loading, used by tests too. */
export function parseCorpus(bot: string, files: { name: string; text: string }[]): Corpus {
  const sorted = [...files].sort((a, b) => (a.name < b.name ? -1 : 1));
  const corpus: Omit<Corpus, 'hash' | 'files'> = { bot, locale: 'en', builtins: [], intents: {}, none: [], entities: {} };
  const hash = createHash('sha256');
  for (const f of sorted) {
    mergeCorpusFile(corpus, f.text, f.name);
    hash.update(f.name).update('\0').update(f.text).update('\0');
  }
  validate(corpus, bot);
  return { ...corpus, hash: hash.digest('hex'), files: sorted.map((f) => f.name) };
}

/** Reads `dir` (e.g. `machines/juice/nlu`) into a Corpus. */
export async function loadCorpus(bot: string, dir: string): Promise<Corpus> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter(isCorpusFile);
  } catch (cause) {
    throw new NluError('NLU_CORPUS_NOT_FOUND', `no NLU corpus folder for bot "${bot}" at ${dir}`, { bot, file: dir }, { cause });
  }
  if (names.length === 0) {
    throw new NluError('NLU_CORPUS_NOT_FOUND', `no corpus *.yaml in ${dir} for bot "${bot}"`, { bot, file: dir });
  }
  const files = await Promise.all(names.map(async (name) => ({ name, text: await readFile(join(dir, name), 'utf8') })));
  return parseCorpus(bot, files);
}
