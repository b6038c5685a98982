import { assign, enqueueActions, raise, setup, stateIn, type AnyStateMachine } from 'xstate';
import { DefinitionError } from '../errors';
import { plumbingActions } from '../runtime/plumbing';
import * as threads from '../runtime/threads';
import type { ProcessContext } from '../runtime/threads';
import { checkContexts, checkHandlers, declaredEvents } from './check-bot';
import { buildContextMachine, type ContextDefinition } from './define-context';
import type { MemoryCatalog, MemoryDeclaration } from './memory';
import { reask, type EventHandler, type IntentHandler } from './bot-intents';
import { record, type Services } from '../runtime/turn-scope';
import { say } from './actions';
import { contextFinished, escapeAtTop as escapeReachedTop, escapeKindOf, recordEvent } from '../runtime/events';
import { currentTurn } from '../runtime/turn-scope';
import type { ResultStatus } from './authoring.types';

/** The status a task ends with when an escape ends its thread (a quit drops every task: `cancelled`). */
const ESCAPE_STATUS: Record<string, ResultStatus> = {
  cancel: 'cancelled',
  reject: 'rejected',
  failure: 'failed',
  quit: 'cancelled',
};

/** What the bot says in situations the engine handles itself. */
export interface BotMessages {
  /** Nobody handled the utterance; the pending question follows. */
  notUnderstood: string;
  /** "Go back" with no earlier step left. */
  cannotGoBack: string;
  /** A failure escape (or a crash) reached the top of a thread without being intercepted. */
  failure: string;
  /** A cancel reached the top of a thread; no context announced it. */
  cancelled: string;
  /** A reject reached the top of a thread; no context announced it. */
  rejected: string;
  /** The user quit with nothing under way: all threads end. */
  goodbye: string;
  /** The user quit in the middle of a task (it is dropped, not done): all threads end. */
  goodbyeUnfinished: string;
  /** A cancel with nothing to cancel (no task under way); the pending question follows. */
  nothingToCancel: string;
  /**
   * The stored conversation could not be read (a deploy changed the bot without a migration for it, or the state is
   * damaged) and starts afresh.
   */
  reset: string;
  /** The user asked for a thread that is waiting for an external result. */
  waiting: string;
}

/** A snapshot migration: the persisted process snapshot of version `n - 1` → version `n` (JSON → JSON). */
export type SnapshotMigration = (snapshot: PersistedSnapshot) => PersistedSnapshot;

/**
 * A persisted snapshot as migrations see it: XState's tree of `{ value, context, children: { <id>: { src, snapshot } } }`
 * (see `mapContexts`, `renameStage`).
 */
export interface PersistedSnapshot {
  value?: unknown;
  context?: Record<string, unknown>;
  children?: Record<string, { src?: unknown; snapshot?: PersistedSnapshot }>;
  [key: string]: unknown;
}

export interface BotSpec {
  id: string;
  /** Integer, raised on every change that affects stored conversations; add a migration for it. */
  version: number;
  /** BCP 47 locale of the bot's language, for the NLU (default `en`). */
  locale?: string;
  /** IANA time zone for relative dates (default `UTC`). */
  timeZone?: string;
  /** The home context: always present, where focus falls back when nothing sleeps. */
  home: string;
  contexts: readonly ContextDefinition[];
  /** Bot-wide intents (open everywhere unless a stage captures them): `openThread(...)`, `reply(...)`, or a transition. */
  intents?: Record<string, IntentHandler>;
  /** External events (`ext.<type>` inside the charts): `push(...)`, `blockThread(...)`, `openThread(...)`. */
  events?: Record<string, EventHandler>;
  /**
   * Names of the intents that mean cancel / quit / go back, and yes / no to a `confirm()` question
   * (defaults: `cancel`, `quit`, `back`, `affirm`, `deny`).
   */
  systemIntents?: { cancel?: string; quit?: string; back?: string; affirm?: string; deny?: string };
  messages?: Partial<BotMessages>;
  /** How many earlier steps "go back" can restore (default 3). */
  backDepth?: number;
  /** `{ 2: v1→v2, 3: v2→v3 }`: run in order on snapshots stored by older versions. */
  migrations?: Record<number, SnapshotMigration>;
  /**
   * Which NLU understands this bot, for the host: `{ kind: 'builtin' }` (the default when the bot has a corpus),
   * `{ kind: 'http', url, timeoutMs }`, or `'none'` (messages are never understood: for bots driven by events, or
   * tested with intents given directly). A bot with neither a corpus nor this setting is refused by the server.
   */
  nlu?: Record<string, unknown> | 'none';
  /** Default implementations of the services the bot's actors call; the host may replace them (`TurnPorts.services`). */
  services?: Services;
}

/** A bot, built: every context registered by key and reachable from here, for the runtime and for tools. */
export interface BotDefinition {
  readonly kind: 'parley.bot';
  readonly id: string;
  readonly version: number;
  readonly locale: string;
  readonly timeZone: string;
  readonly home: string;
  readonly contexts: Readonly<Record<string, ContextDefinition>>;
  readonly machines: Readonly<Record<string, AnyStateMachine>>;
  /** The root "process" machine: one parallel region (thread) per context. */
  readonly process: AnyStateMachine;
  readonly catalog: MemoryCatalog;
  readonly messages: BotMessages;
  readonly systemIntents: { cancel: string; quit: string; back: string; affirm: string; deny: string };
  readonly backDepth: number;
  readonly migrations: Readonly<Record<number, SnapshotMigration>>;
  readonly intents: readonly string[];
  /** External event types the bot handles (`events` and the contexts' `ext.*` transitions), or `'any'`. */
  readonly externalEvents: readonly string[] | 'any';
  readonly nlu: Readonly<Record<string, unknown>> | 'none';
  readonly services: Readonly<Services>;
}

const DEFAULT_MESSAGES: BotMessages = {
  notUnderstood: "Sorry, I didn't understand that.",
  cannotGoBack: "We can't go back any further.",
  failure: 'Sorry, something went wrong with that task.',
  cancelled: 'OK, cancelled.',
  rejected: "Sorry, that isn't possible.",
  goodbye: 'Goodbye!',
  goodbyeUnfinished: "OK, I've stopped what we were doing. Goodbye!",
  nothingToCancel: "There's nothing to cancel.",
  reset: "Sorry, I lost track of our conversation. Let's start again.",
  waiting: "That task is waiting for a result; I'll let you know.",
};

/** The event the engine sends the process when a human returns a conversation (`{ kind: 'handoff.return' }`). */
export const HANDOFF_RETURN = 'parley.handoff.return';

/** Id of the root machine: state ids read `#process.active.<thread>.running`. */
export const PROCESS_ID = 'process';

/**
 * Define a bot: validates every context and reference, builds the statecharts. Fails here, not at run time.
 *
 * @example
 * export const bot = defineBot({
 *   id: 'juice', version: 1, locale: 'zh-CN', home: 'home',
 *   contexts: [home, order, member, weather],
 *   intents: { 'order.juice': openThread('order'), help: reply('我可以帮您买果汁、查天气。') },
 *   messages: { notUnderstood: '不好意思, 没听懂。' },
 * });
 */
export function defineBot(spec: BotSpec): BotDefinition {
  if (!spec || typeof spec.id !== 'string' || !/^[a-z][a-z0-9-]*$/.test(spec.id)) {
    throw new DefinitionError(
      `A bot needs an \`id\` of lower-case letters, digits and '-' (got ${JSON.stringify(spec?.id)}).`,
    );
  }
  const bot = spec.id;
  if (!Number.isInteger(spec.version) || spec.version < 1) {
    throw new DefinitionError(`Bot '${bot}' needs an integer \`version\` ≥ 1 (got ${JSON.stringify(spec.version)}).`, {
      bot,
    });
  }
  const contexts: Record<string, ContextDefinition> = {};
  for (const definition of spec.contexts ?? []) {
    if (definition?.kind !== 'parley.context') {
      throw new DefinitionError(`Bot '${bot}': every entry of \`contexts\` must come from defineContext(...).`, {
        bot,
      });
    }
    if (contexts[definition.id]) {
      throw new DefinitionError(
        `Bot '${bot}' has two contexts with the id '${definition.id}'. Context ids must be unique.`,
        { bot },
      );
    }
    contexts[definition.id] = definition;
  }
  if (!contexts[spec.home]) {
    throw new DefinitionError(
      `Bot '${bot}': home context '${spec.home}' is not in \`contexts\` (${Object.keys(contexts).join(', ') || 'none'}).`,
      { bot },
    );
  }
  const backDepth = spec.backDepth ?? 3;
  if (!Number.isInteger(backDepth) || backDepth < 0) {
    throw new DefinitionError(`Bot '${bot}': \`backDepth\` must be an integer ≥ 0.`, { bot });
  }
  for (const version of Object.keys(spec.migrations ?? {}).map(Number)) {
    if (!Number.isInteger(version) || version < 2 || version > spec.version) {
      throw new DefinitionError(
        `Bot '${bot}': migration key ${version} must be a version between 2 and ${spec.version} (the migration that produces that version).`,
        { bot },
      );
    }
  }
  const machines = buildMachines(bot, contexts);
  checkContexts(bot, spec.home, contexts, machines);
  checkHandlers(bot, 'intent', spec.intents ?? {}, contexts);
  checkHandlers(bot, 'event', spec.events ?? {}, contexts);
  const catalog = buildCatalog(bot, contexts);
  const messages = { ...DEFAULT_MESSAGES, ...(spec.messages ?? {}) };
  const systemIntents = {
    cancel: 'cancel',
    quit: 'quit',
    back: 'back',
    affirm: 'affirm',
    deny: 'deny',
    ...(spec.systemIntents ?? {}),
  };
  const botIntents = spec.intents ?? {};
  for (const name of Object.keys(botIntents)) {
    if (name.startsWith('intent.')) {
      throw new DefinitionError(
        `Bot '${bot}': write bot-wide intents without the 'intent.' prefix ('${name.slice(7)}').`,
        { bot },
      );
    }
  }
  const process = buildProcess(bot, spec, contexts, machines, messages);
  return Object.freeze({
    kind: 'parley.bot' as const,
    id: bot,
    version: spec.version,
    locale: spec.locale ?? 'en',
    timeZone: spec.timeZone ?? 'UTC',
    home: spec.home,
    contexts,
    machines,
    process,
    catalog,
    messages,
    systemIntents,
    backDepth,
    migrations: spec.migrations ?? {},
    intents: Object.keys(botIntents),
    externalEvents: declaredEvents(spec.events ?? {}, machines),
    nlu: spec.nlu ?? {},
    services: spec.services ?? {},
  });
}

/** Build context machines children first; a dependency cycle or an unknown key is a definition error. */
function buildMachines(bot: string, contexts: Record<string, ContextDefinition>): Record<string, AnyStateMachine> {
  const machines: Record<string, AnyStateMachine> = {};
  const visiting = new Set<string>();
  const build = (key: string, path: string[]): AnyStateMachine => {
    const done = machines[key];
    if (done) return done;
    if (visiting.has(key)) {
      throw new DefinitionError(
        `Bot '${bot}': contexts depend on each other in a cycle (${[...path, key].join(' → ')}). Use sleepTo/replaceTo to switch between them instead.`,
        { bot },
      );
    }
    const definition = contexts[key];
    if (!definition) {
      const from = path[path.length - 1];
      throw new DefinitionError(
        `Context '${from}' depends on '${key}', which is not one of bot '${bot}''s contexts (${Object.keys(contexts).join(', ')}). Add it to defineBot({ contexts }) or fix the key.`,
        { bot, context: from },
      );
    }
    visiting.add(key);
    const children: Record<string, AnyStateMachine> = {};
    for (const child of definition.dependsOn) children[child] = build(child, [...path, key]);
    visiting.delete(key);
    const machine = buildContextMachine(definition, children);
    machines[key] = machine;
    return machine;
  };
  for (const key of Object.keys(contexts)) build(key, []);
  return machines;
}

function buildCatalog(bot: string, contexts: Record<string, ContextDefinition>): MemoryCatalog {
  const declarations: Record<string, MemoryDeclaration> = {};
  const owners: Record<string, string> = {};
  for (const definition of Object.values(contexts)) {
    for (const [name, declaration] of Object.entries(definition.spec.memory ?? {})) {
      const existing = declarations[name];
      if (existing && JSON.stringify(existing.scope) !== JSON.stringify(declaration.scope)) {
        throw new DefinitionError(
          `Bot '${bot}': memory '${name}' is declared with different scopes in '${owners[name]}' and '${definition.id}'. Use one declaration or another name.`,
          { bot, context: definition.id },
        );
      }
      const { scope } = declaration;
      if (scope !== 'user' && scope !== 'conversation' && (!Array.isArray(scope) || scope.length === 0)) {
        throw new DefinitionError(
          `Memory '${name}' in '${definition.id}' has scope ${JSON.stringify(scope)}: use 'user', 'conversation' or a list of dimensions like ['city', 'date'].`,
          { bot, context: definition.id },
        );
      }
      declarations[name] = declaration;
      owners[name] = definition.id;
    }
  }
  return { bot, declarations };
}

function buildProcess(
  bot: string,
  spec: BotSpec,
  contexts: Record<string, ContextDefinition>,
  machines: Record<string, AnyStateMachine>,
  messages: BotMessages,
): AnyStateMachine {
  const home = spec.home;
  const isRunning = (thread: string) => stateIn(`#${PROCESS_ID}.active.${thread}.running`);

  const regions: Record<string, any> = {};
  for (const thread of Object.keys(contexts)) {
    const isTarget = ({ event }: any) => event.target === thread;
    regions[thread] = {
      initial: thread === home ? 'running' : 'idle',
      states: {
        idle: { on: { 'thread.start': { guard: isTarget, target: 'running' } } },
        running: {
          invoke: {
            id: thread,
            src: thread,
            input: ({ event }: any) => event.input ?? {},
            onDone:
              thread === home
                ? { target: 'running', reenter: true }
                : { target: 'idle', actions: { type: 'threadEnded', params: { thread } } },
            onError: {
              target: 'idle',
              actions: [
                () => contextFinished(thread, thread, { status: 'failed' }),
                say(messages.failure),
                { type: 'threadEnded', params: { thread } },
              ],
            },
          },
          on: {
            turn: {
              guard: ({ context }: any) =>
                context.focus === thread && context.blocking.length === 0 && context.confirming?.thread !== thread,
              actions: { type: 'parley.forwardToChild', params: { child: thread } },
            },
            'thread.stop': { guard: isTarget, target: 'idle' },
            'thread.deliver': {
              guard: ({ context, event }: any) =>
                event.event.thread ? event.event.thread === thread : context.yielding.includes(thread),
              actions: { type: 'parley.sendInnerToChild', params: { child: thread } },
            },
          },
        },
      },
    };
  }
  // Home must always run: if it crashed, start it again.
  regions[home].states.idle.always = { target: 'running' };

  // An escape nobody intercepted reached the top of its thread: the thread ends and focus falls back.
  // At home there is no task to end: say so instead of pretending something was cancelled.
  const escapeAtTop = (message: string, atHome = message) =>
    enqueueActions(({ context, event, enqueue }: any) => {
      const thread: string = event.thread ?? context.focus;
      const kind = escapeKindOf(event.type);
      if (kind) {
        escapeReachedTop(thread, kind);
        if (thread !== home) contextFinished(thread, thread, { status: ESCAPE_STATUS[kind]! });
      }
      if (thread === home) {
        if (!event.announced) enqueue(say(atHome));
        enqueue(reask);
        return;
      }
      if (!event.announced) enqueue(say(message));
      enqueue.assign(threads.dropThread(context, thread));
      enqueue.raise({ type: 'thread.stop', target: thread });
      enqueue(reask);
    });

  // A quit ends every task under way: each one's thread is reported as ended (cancelled).
  const quitEvents = ({ context, event }: any) => {
    const ctx: ProcessContext = context;
    escapeReachedTop(event.thread ?? ctx.focus, 'quit');
    const tasks = [ctx.focus, ...ctx.sleeping, ...ctx.yielding, ...ctx.blocking].filter((t) => t !== home);
    for (const thread of new Set(tasks)) contextFinished(thread, thread, { status: 'cancelled' });
  };

  const botIntentHandlers: Record<string, any> = {};
  for (const [name, handler] of Object.entries(spec.intents ?? {})) botIntentHandlers[`intent.${name}`] = handler;
  // While a thread waits for a confirmation: yes (or the same escape again) / no are sent down the thread as
  // `confirm.yes` / `confirm.no` for the level that asked; another escape goes on as usual (the question is dropped);
  // a bot-wide intent is served as usual; anything else is not understood, and the confirmation is asked again.
  const { affirm, deny } = { affirm: 'affirm', deny: 'deny', ...(spec.systemIntents ?? {}) };
  const answerConfirmation = enqueueActions(({ context, event, enqueue }: any) => {
    const inner = event.event as { type: string; text?: string };
    const pending = context.confirming as threads.Confirming;
    const yes = inner.type === `intent.${affirm}` || inner.type === `escape.${pending.kind}`;
    if (yes || inner.type === `intent.${deny}`) {
      enqueue.assign({ confirming: null });
      enqueue.raise({
        type: 'turn',
        event: { type: yes ? 'confirm.yes' : 'confirm.no', kind: pending.kind, text: inner.text },
      });
    } else if (inner.type.startsWith('escape.')) {
      enqueue.assign({ confirming: null });
      enqueue.raise(event);
    } else if (botIntentHandlers[inner.type] !== undefined) {
      // A bot-wide intent (another task, help) is served; the confirmation waits, and is asked again on return.
      enqueue.raise(inner);
    } else {
      enqueue(say(messages.notUnderstood));
      enqueue(record({ type: 'parley.notUnderstood' }));
      enqueue(reask);
    }
  });

  const botEventHandlers: Record<string, any> = {};
  for (const [name, handler] of Object.entries(spec.events ?? {})) botEventHandlers[`ext.${name}`] = handler;

  try {
    return setup({
      actors: machines,
      actions: {
        ...plumbingActions,
        threadEnded: enqueueActions(({ context, enqueue }: any, params: { thread: string }) => {
          const next = threads.dropThread(context, params.thread);
          enqueue.assign(next);
          if (context.focus === params.thread) enqueue(reask);
        }),
      },
    }).createMachine({
      id: PROCESS_ID,
      context: { focus: home, home, sleeping: [], yielding: [], blocking: [] } satisfies ProcessContext,
      initial: 'active',
      states: {
        active: {
          type: 'parallel',
          states: regions,
          on: {
            // A blocking thread takes focus at the user's next message, then the message is routed to it.
            turn: [
              {
                guard: ({ context }: any) => context.blocking.length > 0,
                actions: [assign(({ context }: any) => threads.preempt(context)), raise(({ event }: any) => event)],
              },
              // The focused thread waits for a yes/no (`confirm()`): the answer goes down the thread as confirm.*.
              {
                guard: ({ context }: any) => context.confirming?.thread === context.focus,
                actions: answerConfirmation,
              },
              { actions: 'parley.deliverToSelf' },
            ],
            // Something bubbled out of a thread's top context: handle it here, knowing which thread it came from.
            bubble: { actions: raise(({ event }: any) => ({ ...event.event, thread: event.from })) },
            external: { actions: raise(({ event }: any) => event.event) },
            'thread.open': {
              actions: enqueueActions(({ context, event, enqueue, check }: any) => {
                const target: string = event.target;
                if (!contexts[target]) {
                  enqueue(say(messages.failure));
                  return;
                }
                const ctx: ProcessContext = context;
                const from: string = event.thread ?? context.focus;
                const running = check(isRunning(target) as any);
                if (ctx.yielding.includes(target)) {
                  enqueue(say(messages.waiting));
                  enqueue(reask);
                  return;
                }
                if (event.mode === 'replace' && from !== home && from !== target) {
                  enqueue.raise({ type: 'thread.stop', target: from });
                  enqueue.assign(threads.replaceThread(ctx, from, target));
                } else {
                  enqueue.assign(threads.focusOn(ctx, target, event.mode !== 'replace'));
                }
                if (running) enqueue(reask);
                else enqueue.raise({ type: 'thread.start', target, input: event.input ?? {} });
              }),
            },
            'thread.confirm': {
              actions: [
                assign(({ context, event }: any) => ({
                  confirming: {
                    thread: event.thread ?? context.focus,
                    kind: event.kind,
                    prompt: event.prompt,
                    ...(event.choices ? { choices: event.choices } : {}),
                  },
                })),
                reask,
              ],
            },
            // A stage handed the conversation to a human: hold it (run-turn then lets no user message in).
            'thread.handoff': {
              actions: [
                assign(({ context, event }: any) => ({
                  handoff: {
                    ...(typeof event.reason === 'string' ? { reason: event.reason } : {}),
                    since: currentTurn().clock.now().toISOString(),
                    thread: event.thread ?? context.focus,
                  },
                })),
                ({ event }: any) =>
                  recordEvent({ type: 'handoff.requested', ...(typeof event.reason === 'string' ? { reason: event.reason } : {}) }),
              ],
            },
            // Given back to the bot: the focused thread hears it (a stage's `onReturn`), then its question is asked again.
            [HANDOFF_RETURN]: {
              actions: enqueueActions(({ context, enqueue }: any) => {
                enqueue.assign({ handoff: null });
                recordEvent({ type: 'handoff.returned' });
                if (context.confirming?.thread !== context.focus) {
                  enqueue.raise({ type: 'turn', event: { type: 'handoff.returned' } });
                }
                enqueue(reask);
              }),
            },
            'thread.block': {
              actions: enqueueActions(({ context, event, enqueue, check }: any) => {
                const target: string = event.target;
                if (!contexts[target] || target === home) return;
                enqueue.assign(threads.blockThreadOn(context, target));
                if (!check(isRunning(target) as any))
                  enqueue.raise({ type: 'thread.start', target, input: event.input ?? {} });
              }),
            },
            'thread.yield': {
              actions: enqueueActions(({ context, event, enqueue }: any) => {
                const wasFocus = context.focus === event.thread;
                enqueue.assign(threads.yieldThread(context, event.thread));
                if (wasFocus) enqueue(reask);
              }),
            },
            'thread.resume': {
              actions: enqueueActions(({ context, event, enqueue, check }: any) => {
                if (!check(isRunning(event.thread) as any)) return;
                enqueue.assign(threads.resumeThread(context, event.thread));
              }),
            },
            // Leaving with a task under way is not the same goodbye as leaving after it was done.
            'escape.quit': [
              {
                guard: ({ context }: any) => threads.hasTasks(context),
                target: 'ended',
                actions: [quitEvents, say(messages.goodbyeUnfinished)],
              },
              { target: 'ended', actions: [quitEvents, say(messages.goodbye)] },
            ],
            'escape.cancel': { actions: escapeAtTop(messages.cancelled, messages.nothingToCancel) },
            'escape.reject': { actions: escapeAtTop(messages.rejected) },
            'escape.failure': { actions: escapeAtTop(messages.failure) },
            ...botIntentHandlers,
            'intent.*': {
              actions: [say(messages.notUnderstood), record({ type: 'parley.notUnderstood' }), reask],
            },
            ...botEventHandlers,
            // External events nobody at the top handles go to the yielding threads (or the thread they name).
            'ext.*': { actions: raise(({ event }: any) => ({ type: 'thread.deliver', event })) },
          },
        },
        ended: { type: 'final' },
      },
    } as any) as AnyStateMachine;
  } catch (cause) {
    throw new DefinitionError(
      `Bot '${bot}' could not be built: ${cause instanceof Error ? cause.message : String(cause)}`,
      { bot },
    );
  }
}
