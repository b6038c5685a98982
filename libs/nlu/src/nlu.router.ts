import { HttpNlu, type HttpNluOptions } from './adapters/http.nlu';
import { BuiltinNlu, type BuiltinNluOptions, type ModelInfo } from './builtin.nlu';
import { NluError } from './nlu.error';
import type { NluPort, Understanding, UnderstandOptions } from './nlu.types';

/** How one bot is understood: the built-in trainable NLU, or an external Rasa-compatible server. */
export type BotNluConfig =
  | { kind: 'builtin'; locale?: string; corpusDir?: string }
  | ({ kind: 'http' } & Omit<HttpNluOptions, 'onError'>);

export interface CreateNluOptions extends Omit<BuiltinNluOptions, 'corpusDirs'> {
  bots: Record<string, BotNluConfig>;
  /** Failures of external NLUs (the turn gets "not understood"). */
  onError?: (error: NluError) => void;
}

/** One NluPort for the whole server that dispatches on `options.bot`. */
export class NluRouter implements NluPort {
  readonly builtin: BuiltinNlu;
  private readonly ports = new Map<string, NluPort>();

  constructor(private readonly options: CreateNluOptions) {
    const corpusDirs: Record<string, string> = {};
    for (const [bot, c] of Object.entries(options.bots)) if (c.kind === 'builtin' && c.corpusDir) corpusDirs[bot] = c.corpusDir;
    this.builtin = new BuiltinNlu({ ...options, corpusDirs });
    for (const [bot, c] of Object.entries(options.bots)) {
      this.ports.set(bot, c.kind === 'builtin' ? this.builtin : new HttpNlu({ ...c, onError: options.onError }));
    }
  }

  /** Trains or loads every built-in bot: call at boot so a broken corpus fails the start, not a turn. */
  async warmUp(): Promise<ModelInfo[]> {
    const bots = Object.entries(this.options.bots).filter(([, c]) => c.kind === 'builtin');
    return Promise.all(bots.map(([bot]) => this.builtin.load(bot)));
  }

  /** Rejects with NLU_UNKNOWN_BOT for a bot that is not configured: a wiring error, not user input. */
  async understand(text: string, options: UnderstandOptions): Promise<Understanding> {
    const port = this.ports.get(options.bot);
    if (!port) {
      throw new NluError('NLU_UNKNOWN_BOT', `no NLU configured for bot "${options.bot}"`, { bot: options.bot });
    }
    return port.understand(text, options);
  }
}

/**
 * @example
 * const nlu = createNlu({
 *   bots: { juice: { kind: 'builtin' }, shop: { kind: 'http', url: 'http://127.0.0.1:5005', timeoutMs: 1500 } },
 *   cacheDir: '.parley/nlu-cache',
 * });
 * await nlu.warmUp();
 */
export function createNlu(options: CreateNluOptions): NluRouter {
  return new NluRouter(options);
}
