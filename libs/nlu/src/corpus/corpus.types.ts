/** A dictionary entity: canonical value → the other ways people say it. */
export interface DictionaryEntityDef {
  kind: 'dictionary';
  values: Record<string, string[]>;
  /** Whether the canonical value itself is matched (false for codes like ice `yes`/`no`). Default true. */
  matchValues: boolean;
}

/** A regex entity: the match (or its named group `value`) is the value. */
export interface RegexEntityDef {
  kind: 'regex';
  patterns: string[];
}

export type EntityDef = DictionaryEntityDef | RegexEntityDef;

export type BuiltinEntity = 'number' | 'money' | 'date';

/** A bot's NLU corpus, merged from every corpus file of `machines/<bot>/nlu/`. */
export interface Corpus {
  bot: string;
  locale: string;
  builtins: BuiltinEntity[];
  intents: Record<string, string[]>;
  /** Out-of-scope examples: trained as a "none" class, answered with `intent: null`. */
  none: string[];
  entities: Record<string, EntityDef>;
  /** sha256 of the files (and the trainer version): the model cache key. */
  hash: string;
  files: string[];
}
