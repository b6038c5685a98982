/** One entity found in an utterance, e.g. `{ name: 'flavor', value: '苹果', text: '苹果汁' }`. */
export interface Entity {
  /** Entity type: `flavor`, `city`, `date`, `number`, `money`, `phone`, … */
  name: string;
  /** Normalised value: the canonical synonym, an ISO date, a number. */
  value: string | number;
  /** The words of the utterance it came from. */
  text?: string;
  start?: number;
  end?: number;
}

export interface IntentScore {
  intent: string;
  confidence: number;
}

/** What the NLU understood of one user message. `intent: null` = not understood. */
export interface Understanding {
  intent: string | null;
  confidence: number;
  entities: Entity[];
  alternatives: IntentScore[];
}

export interface UnderstandOptions {
  /** Bot id: which trained model to use. */
  bot: string;
  /** BCP 47 locale of the bot, e.g. `zh-CN`, `en`. */
  locale: string;
  /** Intents open at the focused stage (semi-open domain): preferred when the classifier hesitates. */
  openIntents: readonly string[];
  /** IANA time zone of the conversation, for relative dates (default `Asia/Shanghai` for zh, `UTC` otherwise). */
  timeZone?: string;
  /** "Now" for relative dates (the engine passes its clock). */
  now?: Date;
}

/** The NLU port: called once per user message, before the engine routes it. */
export interface NluPort {
  understand(text: string, options: UnderstandOptions): Promise<Understanding>;
}
