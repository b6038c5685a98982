import { assign } from 'xstate';
import { DialogueError } from '../errors';
import type { Entity } from '../ports/nlu.port';
import type { Json } from '../ports/memory.port';
import { currentTurn } from '../runtime/turn-scope';
import type { IntentEvent } from '../types';
import { dialogueArgs, type XStateArgs } from './args';
import type {
  DialogueEvent,
  Dynamic,
  EscapeHandler,
  ResultEvent,
  ResultOf,
  StageConfig,
  Transitions,
} from './authoring.types';
import { say } from './actions';
import { defineContext, type ContextDefinition } from './define-context';
import type { MemoryView } from './memory';
import { service, SERVICE_LOGIC, type ServiceLogic } from './services';
import { ask, finish } from './stages';
import { failureOnError, type Where } from './transitions';

/**
 * External brains: a stage (`delegate`) or a whole context (`brainContext`) hands the decision to an HTTP service —
 * an LLM agent, a Rasa bot, a legacy bot — while Parley keeps the rest (routing, escapes, memory, threads). The engine
 * stays pure: it calls the service `brain.<name>` from the turn's services, which the host provides (the server
 * builds one HTTP client per brain from its `BRAINS` setting; tests pass a function).
 */

/** What a brain is asked: the conversation, where it is, the message and the memory the stage lets it see. */
export interface BrainRequest {
  bot: string;
  conversationId: string;
  /** The delegating stage, `<context>.<stage path>` (e.g. `ingredients.asking`). */
  stage: string;
  message: { text: string; intent: string | null; entities: Entity[]; confidence: number };
  /** The memory named in the stage's `memory` list (null when nothing is remembered yet). */
  memory: Record<string, Json>;
}

/** A brain's result: the context's (or stage's) result fields, JSON. */
export type BrainResult = Record<string, Json>;

/**
 * What a brain answers: replies and (optionally) a result — the stage is done and goes on with it — or
 * `stay: true` — the stage keeps the conversation, and the brain gets the next message too.
 */
export type BrainAnswer = { stay: false; replies: string[]; result: BrainResult } | { stay: true; replies: string[] };

/** The key of a brain in the turn's services (`TurnPorts.services`): `brain.<name>`. */
export const brainServiceKey = (brain: string) => `brain.${brain}`;

/** A brain answered something that is not `{ replies, result? }` or `{ stay: true, replies? }`. */
export class BrainAnswerError extends DialogueError {
  override readonly name = 'BrainAnswerError';
  constructor(
    readonly brain: string,
    /** The field that is wrong (`replies[2]`, `result`, `stay`, or `(body)`). */
    readonly field: string,
    problem: string,
  ) {
    super(
      'BRAIN_ANSWER_INVALID',
      `Brain '${brain}' answered something Parley cannot use: ${problem}. Expected {"replies": [string…], "result"?: {…}} or {"stay": true, "replies"?: [string…]}.`,
      { state: brain },
    );
  }
}

/** Check a brain's answer, naming the field that is wrong. */
export function parseBrainAnswer(brain: string, body: unknown): BrainAnswer {
  const wrong = (field: string, problem: string) => new BrainAnswerError(brain, field, problem);
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw wrong('(body)', `the body must be a JSON object (got ${describe(body)})`);
  }
  const answer = body as Record<string, unknown>;
  if (answer.stay !== undefined && typeof answer.stay !== 'boolean') {
    throw wrong('stay', `\`stay\` must be true or false (got ${describe(answer.stay)})`);
  }
  const stay = answer.stay === true;
  if (answer.replies === undefined && !stay) throw wrong('replies', '`replies` is missing (an array of strings)');
  const replies = answer.replies ?? [];
  if (!Array.isArray(replies))
    throw wrong('replies', `\`replies\` must be an array of strings (got ${describe(replies)})`);
  replies.forEach((reply, i) => {
    if (typeof reply !== 'string')
      throw wrong(`replies[${i}]`, `\`replies[${i}]\` must be a string (got ${describe(reply)})`);
  });
  if (stay) {
    if (answer.result !== undefined)
      throw wrong('result', '`result` cannot come with `stay: true` (the stage stays: it has no result yet)');
    return { stay: true, replies: replies as string[] };
  }
  const result = answer.result ?? {};
  if (result === null || typeof result !== 'object' || Array.isArray(result)) {
    throw wrong('result', `\`result\` must be a JSON object (got ${describe(result)})`);
  }
  if ('status' in result)
    throw wrong('result.status', "`result.status` is Parley's own (the result's status is 'done')");
  return { stay: false, replies: replies as string[], result: result as BrainResult };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  const text = JSON.stringify(value);
  return typeof value === 'object'
    ? 'an object'
    : `${typeof value} ${text && text.length > 40 ? `${text.slice(0, 40)}…` : text}`;
}

/** One service logic per brain: every stage that delegates to it registers the same logic under the same key. */
const logics = new Map<string, ServiceLogic<BrainRequest, BrainAnswer>>();

function brainLogic(brain: string): ServiceLogic<BrainRequest, BrainAnswer> {
  let logic = logics.get(brain);
  if (!logic) {
    logic = service<BrainRequest, BrainAnswer>(
      async (request, { services }) => {
        const ask = services[brainServiceKey(brain)];
        if (!ask) {
          throw new DialogueError(
            'ENGINE_FAILURE',
            `No brain '${brain}' is configured: give the server BRAINS={"${brain}": {"url": "http://…"}} (docs/brains.md), or the turn the service '${brainServiceKey(brain)}'.`,
          );
        }
        return parseBrainAnswer(brain, await ask(request));
      },
      {
        // Path tests never call a brain: these answers are the branches they explore.
        samples: {
          answers: { returns: { stay: false, replies: ['(the brain answers)'], result: {} } },
          stays: { returns: { stay: true, replies: ['(the brain answers and keeps the conversation)'] } },
          fails: { throws: `brain '${brain}' did not answer` },
        },
      },
    );
    logics.set(brain, logic);
  }
  return logic;
}

/** Marks the invoke of a brain, for `defineContext` (which knows the stage's path) to finish it: see `brainInvoke`. */
export const BRAIN_MARKER = 'parley.brain';

/** Where a delegating stage keeps the brain's last question (`stay`), in the context's data, to ask it again. */
const BRAIN_ASKED = 'parleyBrainAsked';

/** The user message an event carries: an intent event, or the one that opened the context's thread. */
function messageOf(event: unknown): IntentEvent | undefined {
  const e = event as { type?: unknown; input?: { trigger?: unknown } } | undefined;
  if (typeof e?.type === 'string' && e.type.startsWith('intent.')) return e as IntentEvent;
  if (e?.type === 'xstate.init') return messageOf(e.input?.trigger);
  return undefined;
}

/**
 * The invoke of a brain, finished where the stage's path is known (`defineContext`): its request names the stage,
 * and a brain that fails (throws, times out, answers nonsense) is a `failure` escape at this context — reported in
 * `TurnResult.problems` — after which the stage listens again (if the context stops the failure without leaving it).
 */
export function brainInvoke(config: Record<string, unknown>, where: Where): Record<string, unknown> | undefined {
  const marker = config[BRAIN_MARKER] as { memory: readonly string[] } | undefined;
  if (!marker) return undefined;
  const stage = `${where.context}.${where.stage.replace(/\.thinking$/, '')}`;
  return {
    ...config,
    input: (args: XStateArgs): BrainRequest => {
      const turn = currentTurn();
      const message = messageOf(args.event);
      const memory: Record<string, Json> = {};
      for (const name of marker.memory) memory[name] = turn.view[name] ?? null;
      return {
        bot: turn.catalog.bot,
        conversationId: turn.conversationId,
        stage,
        message: {
          text: message?.text ?? '',
          intent: message && message.intent !== 'none' ? message.intent : null,
          entities: message?.entities ?? [],
          confidence: message?.confidence ?? 0,
        },
        memory,
      };
    },
    onError: { target: 'listening', actions: failureOnError('SERVICE_FAILED', String(config.src), where) },
  };
}

/** `delegate(...)`'s options. */
export interface DelegateConfig<TData, TMemory = MemoryView> {
  /** The brain's name (the server's `BRAINS` setting maps it to a URL and a timeout). */
  brain: string;
  /** The memory the brain may see (user- or conversation-scoped, by name); nothing else is sent. */
  memory?: readonly (keyof TMemory & string)[];
  /**
   * A question to ask first; the brain gets the answer. Without it, the message that led into the stage (or opened
   * the context's thread) goes to the brain at once.
   */
  prompt?: Dynamic<string, TData, DialogueEvent, TMemory>;
  /** Intents the brain does not get: they go on as usual (to the context, the bot-wide intents), e.g. `['order.juice']`. */
  except?: readonly string[];
  /** When the brain answered with a result (not `stay`): `event.output` is `{ status: 'done', ...result }`. */
  onDone: Transitions<TData, ResultEvent<ResultOf<BrainResult, 'done'>>>;
}

/**
 * A stage that hands the conversation to an external brain: every message it gets goes to the brain (with its intent,
 * entities and the memory the stage allows), the brain's replies are said, and its answer decides — a result (the
 * stage is done: `onDone`) or `stay` (the brain gets the next message too). Escapes, «上一步» and the intents in
 * `except` stay Parley's. A brain that fails, times out or answers nonsense is a `failure` escape at this context.
 *
 * @example
 * askingExpert: delegate({ brain: 'faq', memory: ['customer'], onDone: { target: 'done', actions: update(…) } })
 */
export function delegate<TData = unknown, TMemory = MemoryView>(
  config: DelegateConfig<TData, TMemory>,
): StageConfig<TData> {
  const { brain, memory = [], prompt, except = [], onDone } = config;
  if (typeof brain !== 'string' || !/^[a-z][a-z0-9_-]*$/.test(brain)) {
    throw new DialogueError(
      'CONTEXT_DEFINITION_INVALID',
      `A brain's name is lower-case letters, digits, '-' or '_' (got ${JSON.stringify(brain)}).`,
    );
  }
  const toBrain: Transitions<TData, DialogueEvent> = {
    guard: ({ event }) => !except.includes((event as { intent?: string }).intent ?? ''),
    target: 'thinking',
  };
  const sayReplies = (args: XStateArgs) => {
    const { event } = dialogueArgs<unknown, { output: BrainAnswer }, unknown>(args);
    for (const text of event.output.replies) currentTurn().emitted.push({ type: 'reply', text });
  };
  const key = brainServiceKey(brain);
  const states: Record<string, StageConfig<TData>> = {
    // Entered with a message (and no question to ask first): that message goes to the brain.
    start: {
      always: [
        {
          guard: ({ event }: { event: unknown }) => prompt === undefined && messageOf(event) !== undefined,
          target: 'thinking',
        },
        { target: 'listening' },
      ],
    },
    listening:
      prompt !== undefined
        ? ask<TData, TMemory>({ prompt, on: { 'intent.*': toBrain } })
        : { on: { 'intent.*': toBrain } },
    // After `stay`: the brain's last reply was its question (asked again after an interruption, a back step, a wake);
    // the next message goes to the brain.
    following: ask<TData, TMemory>({
      prompt: ({ context }) => {
        const asked = (context as Record<string, unknown>)[BRAIN_ASKED];
        return typeof asked === 'string' ? asked : '';
      },
      quiet: true,
      on: { 'intent.*': toBrain },
    }),
    thinking: {
      invoke: {
        src: key,
        onDone: [
          {
            guard: ({ event }: { event: { output: BrainAnswer } }) => event.output.stay,
            target: 'following',
            actions: [
              sayReplies,
              assign(({ event }: { event: { output: BrainAnswer } }) => ({
                [BRAIN_ASKED]: event.output.replies.at(-1) ?? '',
              })),
            ],
          },
          { target: 'answered', actions: sayReplies },
        ],
        [BRAIN_MARKER]: { memory },
        [SERVICE_LOGIC]: brainLogic(brain),
      } as never,
    },
    answered: {
      type: 'final',
      output: ({ event }: { event: { output: Extract<BrainAnswer, { stay: false }> } }) => ({
        ...event.output.result,
        status: 'done',
      }),
    },
  };
  return { meta: { delegate: brain }, initial: 'start', states, onDone: onDone };
}

/** `brainContext(...)`'s options. */
export interface BrainContextSpec<TMemory = MemoryView> {
  id: string;
  description?: string;
  brain: string;
  memory?: readonly (keyof TMemory & string)[];
  prompt?: Dynamic<string, unknown, DialogueEvent, TMemory>;
  except?: readonly string[];
  /**
   * Said when the brain fails (an error, a timeout, a malformed answer): the context intercepts the failure and ends
   * with `failed`. Without it the failure escapes (the thread ends with the bot's failure message).
   */
  sorry?: string;
}

/**
 * A context that is all brain: its thread's opening message (or the answer to `prompt`) goes to the brain, and it
 * ends with the brain's result. Open it like any context (`openThread('faq')`, `dependOn(faq)`).
 *
 * @example
 * const ingredients = brainContext({ id: 'ingredients', brain: 'ingredients', memory: ['customer'],
 *   sorry: '抱歉, 配料信息暂时查不到。' });
 */
export function brainContext<TMemory = MemoryView>(
  spec: BrainContextSpec<TMemory>,
): ContextDefinition<Record<string, never>, BrainResult> {
  const { id, description, brain, memory, prompt, except, sorry } = spec;
  const onFailure: EscapeHandler<Record<string, never>> | undefined =
    sorry === undefined ? undefined : { target: '.failed', actions: say(sorry) };
  return defineContext<Record<string, never>, BrainResult, TMemory>({
    id,
    description,
    context: {},
    initial: 'asking',
    stages: {
      asking: delegate<Record<string, never>, TMemory>({
        brain,
        ...(memory ? { memory } : {}),
        ...(prompt !== undefined ? { prompt: prompt } : {}),
        ...(except ? { except } : {}),
        onDone: 'answered',
      }),
      answered: {
        type: 'final',
        output: ({ event }: { event: { output: unknown } }) => event.output,
      },
      ...(onFailure ? { failed: finish('failed') } : {}),
    },
    ...(onFailure ? { onFailure } : {}),
  });
}
