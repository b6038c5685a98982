import type { BotDefinition } from '../authoring/define-bot';
import type { ClockPort } from '../ports/clock.port';
import type { NluPort } from '../ports/nlu.port';
import { runTurn, type LiveTree, type TurnResult } from '../runtime/run-turn';
import type { Services } from '../runtime/turn-scope';
import type { ConversationState, TurnInput } from '../types';
import { InMemoryMemory } from './in-memory.memory';

export interface ConverseOptions {
  userId?: string;
  conversationId?: string;
  nlu?: NluPort;
  /** Shared memory, e.g. to continue as the same user in a second conversation. */
  memory?: InMemoryMemory;
  clock?: ClockPort;
  services?: Services;
  timeLimitMs?: number;
  /** Bound on transitions per turn (`TurnOptions.maxTransitions`). */
  maxTransitions?: number;
  /**
   * Keep the live tree between turns, as the server's cache does (`TurnRequest.live`), instead of storing the state
   * through JSON and restoring it each turn.
   */
  live?: boolean;
}

type Step =
  | { kind: 'input'; input: TurnInput; label: string }
  | { kind: 'expect'; patterns: readonly (string | RegExp)[]; negate: boolean }
  | { kind: 'check'; fn: (result: TurnResult, conversation: Conversation) => void };

/**
 * A conversation script against a bot, through the real turn function (state round-tripped through JSON each turn,
 * as the server stores it). Await it to run the queued steps.
 *
 * @example
 * await converse(bot, { nlu })
 *   .say('我想买果汁').expect('什么口味')
 *   .say('苹果').expect('加冰');
 */
export function converse(bot: BotDefinition, options: ConverseOptions = {}): Conversation {
  return new Conversation(bot, options);
}

/** A conversation after its queued steps ran (awaiting a `Conversation` gives this). */
export type SettledConversation = Omit<Conversation, 'then'>;

export class Conversation implements PromiseLike<SettledConversation> {
  readonly memory: InMemoryMemory;
  readonly transcript: { from: 'user' | 'bot' | 'event'; text: string }[] = [];
  readonly results: TurnResult[] = [];
  state: ConversationState | null = null;
  private steps: Step[] = [];

  constructor(
    readonly bot: BotDefinition,
    readonly options: ConverseOptions,
  ) {
    this.memory = options.memory ?? new InMemoryMemory();
  }

  private liveTree(): LiveTree | undefined {
    return this.options.live ? this.results[this.results.length - 1]?.live : undefined;
  }

  get last(): TurnResult {
    const result = this.results[this.results.length - 1];
    if (!result) throw new Error('No turn has been taken yet.');
    return result;
  }

  /** The user says `text` (understood by the conversation's NLU). */
  say(text: string): this {
    this.steps.push({ kind: 'input', input: { kind: 'message', text }, label: text });
    return this;
  }

  /** The user says something already understood as `intent` (bypasses the NLU). */
  sayIntent(
    intent: string | null,
    entities: { name: string; value: string | number }[] = [],
    text = intent ?? '',
  ): this {
    this.steps.push({ kind: 'input', input: { kind: 'message', text, intent, entities, confidence: 1 }, label: text });
    return this;
  }

  /** An external event reaches the conversation (a callback, a timer). */
  event(type: string, payload: Record<string, unknown> = {}): this {
    this.steps.push({ kind: 'input', input: { kind: 'event', event: { ...payload, type } }, label: `[${type}]` });
    return this;
  }

  /** A human gives the conversation back to the bot after a `handoff()` (what the admin API's return does). */
  returnFromHandoff(): this {
    this.steps.push({ kind: 'input', input: { kind: 'handoff.return' }, label: '[handoff.return]' });
    return this;
  }

  /** The last turn's replies contain every pattern, in this order. */
  expect(...patterns: (string | RegExp)[]): this {
    this.steps.push({ kind: 'expect', patterns, negate: false });
    return this;
  }

  /** The last turn's replies contain none of the patterns. */
  expectNot(...patterns: (string | RegExp)[]): this {
    this.steps.push({ kind: 'expect', patterns, negate: true });
    return this;
  }

  /** Any assertion on the last turn's result. */
  check(fn: (result: TurnResult, conversation: Conversation) => void): this {
    this.steps.push({ kind: 'check', fn });
    return this;
  }

  then<A = SettledConversation, B = never>(
    onFulfilled?: ((value: SettledConversation) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): PromiseLike<A | B> {
    const steps = this.steps;
    this.steps = [];
    // Resolve with a plain view (not thenable itself) so awaiting does not recurse.
    const run = this.run(steps).then(() => withoutThen(this));
    return run.then(onFulfilled, onRejected);
  }

  private async run(steps: Step[]): Promise<void> {
    for (const step of steps) {
      if (step.kind === 'input') await this.take(step.input, step.label);
      else if (step.kind === 'expect') this.assertReplies(step.patterns, step.negate);
      else step.fn(this.last, this);
    }
  }

  private async take(input: TurnInput, label: string): Promise<void> {
    const result = await runTurn(
      this.bot,
      {
        conversationId: this.options.conversationId ?? 'conversation-1',
        userId: this.options.userId ?? 'user-1',
        state: this.state,
        input,
        live: this.liveTree(),
      },
      { memory: this.memory, nlu: this.options.nlu, clock: this.options.clock, services: this.options.services },
      { timeLimitMs: this.options.timeLimitMs, maxTransitions: this.options.maxTransitions },
    );
    // Stored as the server stores it: through JSON (or kept as is, with the live tree).
    this.state = this.options.live ? result.state : (JSON.parse(JSON.stringify(result.state)) as ConversationState);
    this.memory.apply(result.effects);
    this.results.push(result);
    this.transcript.push({ from: input.kind === 'message' ? 'user' : 'event', text: label });
    for (const reply of result.replies) this.transcript.push({ from: 'bot', text: reply.text });
  }

  private assertReplies(patterns: readonly (string | RegExp)[], negate: boolean): void {
    const text = this.last.replies.map((r) => r.text).join('\n');
    let from = 0;
    for (const pattern of patterns) {
      const rest = text.slice(from);
      const index = typeof pattern === 'string' ? rest.indexOf(pattern) : rest.search(pattern);
      if (negate ? text.search(typeof pattern === 'string' ? escapeRegExp(pattern) : pattern) >= 0 : index < 0) {
        throw new Error(
          `Expected the bot's last reply ${negate ? 'not ' : ''}to contain ${String(pattern)}${negate ? '' : ' (in order)'}.\n` +
            `Transcript:\n${this.transcript.map((line) => `  ${line.from === 'bot' ? 'B' : line.from === 'user' ? 'U' : 'E'}: ${line.text}`).join('\n')}\n` +
            `Focus: ${this.last.threads.focus}  path: ${this.last.activePath.join(' > ')}`,
        );
      }
      if (!negate) {
        const length = typeof pattern === 'string' ? pattern.length : (rest.match(pattern)?.[0].length ?? 0);
        from += index + length;
      }
    }
  }
}

function withoutThen(conversation: Conversation): SettledConversation {
  return new Proxy(conversation, {
    get: (target, key) => {
      if (key === 'then') return undefined;
      const value = Reflect.get(target, key, target) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

function escapeRegExp(text: string): RegExp {
  return new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
}
