import type { Entity } from '../nlu.types';

/** An entity candidate with its span; `priority` breaks ties between spans of equal length. */
export interface EntitySpan extends Entity {
  text: string;
  start: number;
  end: number;
  priority: number;
}

/** Money keeps its currency beside the amount. */
export interface MoneyEntity extends Entity {
  name: 'money';
  value: number;
  unit: 'CNY' | 'USD';
}

export interface ExtractContext {
  locale: string;
  timeZone: string;
  now: Date;
}

/** One source of entity candidates over the normalised text. */
export interface EntityExtractor {
  extract(text: string, context: ExtractContext): EntitySpan[];
}

// Higher wins when two candidate spans have the same length (e.g. a phone number is also a number).
export const PRIORITY = { corpus: 40, money: 30, date: 20, number: 10 } as const;
