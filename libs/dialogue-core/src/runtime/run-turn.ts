import { isMachineSnapshot, type AnyActorRef } from 'xstate';
import { HANDOFF_RETURN, type BotDefinition } from '../authoring/define-bot';
import { preloadAddresses } from '../authoring/memory';
import {
  DialogueError,
  NewerStateError,
  NotHeldError,
  TurnInputError,
  UndeclaredEventError,
  type DialogueErrorContext,
} from '../errors';
import { systemClock, type ClockPort } from '../ports/clock.port';
import type { Json, MemoryPort } from '../ports/memory.port';
import type { NluPort, Understanding } from '../ports/nlu.port';
import type {
  ConversationEvent,
  ConversationState,
  Effect,
  Held,
  Reply,
  ThreadsView,
  TurnInput,
  TurnProblem,
} from '../types';
import { closeEscapes } from './events';
import { activePath, focusChain, openIntents, pendingReply, threadsOf } from './inspect';
import { restoreProcess } from './restore';
import { RESTART_EVENT } from './plumbing';
import type { ProcessContext } from './threads';
import { activeStateNodes, hasScheduledEvents, parentOf } from './xstate.seam';
import { createTurnScope, runInTurnScope, type Services, type TurnEvent, type TurnScope } from './turn-scope';

/** Everything the turn reads or calls. The engine itself does no I/O. */
export interface TurnPorts {
  memory: MemoryPort;
  /** Called when a message arrives without an intent; receives the intents open at the focused stage. */
  nlu?: NluPort;
  clock?: ClockPort;
  services?: Services;
}

export interface TurnRequest {
  conversationId: string;
  userId: string;
  /** The stored state, or null for a new conversation. */
  state: ConversationState | null;
  input: TurnInput;
  /**
   * The live tree the previous turn of this conversation ended with (`TurnResult.live`), passed with the very `state`
   * object that turn returned: the turn then continues from it instead of restoring `state` from JSON. Same result
   * either way; restoring is most of the engine's work in a turn. Ignored when it does not match `state`.
   */
  live?: LiveTree;
}

/**
 * The settled actor tree a turn ended with, for a host that keeps conversations in memory between turns (the
 * server's per-instance cache). Offered only when the tree is exactly what restoring its snapshot would give: active,
 * nothing running or scheduled, and a snapshot of plain JSON. Usable by one turn, once; a host that drops it need not
 * do anything (a settled tree holds no timers).
 */
export class LiveTree {
  private used = false;

  /** @internal */
  constructor(
    private readonly bot: BotDefinition,
    private readonly actor: AnyActorRef,
    /** The persisted snapshot the tree is at (`TurnResult.state.snapshot`). */
    readonly snapshot: Json,
  ) {}

  /** True once a turn continued from the tree. */
  get taken(): boolean {
    return this.used;
  }

  /** The tree, once, when it continues exactly `state` of this bot version. */
  take(bot: BotDefinition, state: ConversationState | null): AnyActorRef | undefined {
    if (this.used || bot !== this.bot || state?.snapshot !== this.snapshot || state.version !== bot.version)
      return undefined;
    this.used = true;
    return this.actor;
  }
}

export interface TurnOptions {
  /** How long invoked actors (service calls) may take before the turn turns them into a failure escape. */
  timeLimitMs?: number;
  /**
   * Bound on statechart transitions in one turn (default 1,000). A context that goes over it (a loop that never
   * settles) fails, as a failure escape at that context, reported in `TurnResult.problems`.
   */
  maxTransitions?: number;
}

/** How the turn went, for logs, metrics and the transcript. */
export type TurnOutcome = 'handled' | 'notUnderstood' | 'back' | 'cannotGoBack' | 'ended' | 'held';

export interface TurnResult {
  state: ConversationState;
  replies: Reply[];
  /** To apply after commit (or inside the turn's transaction, for memory writes). */
  effects: Effect[];
  outcome: TurnOutcome;
  /** Set when the stored state could not be restored and the conversation started afresh. */
  reset?: { reason: string };
  understanding?: Understanding;
  threads: ThreadsView;
  /** Active stage path of the focused thread, outermost context first. */
  activePath: string[];
  /** The question the bot now waits for, if any. */
  pendingQuestion?: string;
  /** The answers that question offers (`ask({ choices })`), for channels that show buttons. */
  pendingChoices?: readonly string[];
  /**
   * Set while the conversation is handed off to a human (`handoff()`): user messages get no reply (outcome `held`)
   * until it is returned (`{ kind: 'handoff.return' }`).
   */
  held?: Held;
  /** The tree the next turn may continue from (see `TurnRequest.live`); absent when it must restore. */
  live?: LiveTree;
  /** What failed inside the turn and was handled as a failure escape (a context that threw, a loop, a service). */
  problems: TurnProblem[];
  /**
   * What happened in the turn that other systems may want to hear about, in order: contexts that finished (with
   * their result), escapes (where they started, who stopped them), handoffs. Derived by the engine; the host
   * publishes them (outbound webhooks).
   */
  events: ConversationEvent[];
}

const DEFAULT_TIME_LIMIT_MS = 10_000;

/**
 * One turn of one conversation: `(stored state | null, input, ports) → (new state, replies, effects)`.
 * Restores the actor tree from JSON, routes the input, waits until every invoked actor has settled, and returns the
 * new persisted state. Never throws for anything a user or a bot author can cause: crashes inside contexts become
 * failure escapes, unrecoverable states reset the conversation politely. It throws `TurnInputError` for a malformed
 * call and `NewerStateError` for a state stored by a newer bot version (retry it on an up-to-date instance).
 *
 * @example
 * const result = await runTurn(bot, { conversationId: 'c1', userId: 'u1', state: null,
 *   input: { kind: 'message', text: '我想买果汁' } }, { memory, nlu });
 * result.replies; // [{ type: 'text', text: '您要什么口味? …' }]
 */
export async function runTurn(
  bot: BotDefinition,
  request: TurnRequest,
  ports: TurnPorts,
  options: TurnOptions = {},
): Promise<TurnResult> {
  validateRequest(bot, request);
  const ids = { userId: request.userId, conversationId: request.conversationId };
  const preload = preloadAddresses(bot.catalog, ids);
  const values = preload.length ? await ports.memory.read(preload.map((p) => p.address)) : [];
  const view: Record<string, Json | undefined> = {};
  preload.forEach((p, i) => {
    view[p.name] = values[i] ?? bot.catalog.declarations[p.name]?.initial;
  });
  const scope = createTurnScope(
    {
      ...ids,
      catalog: bot.catalog,
      view,
      memoryPort: ports.memory,
      clock: ports.clock ?? systemClock,
      services: { ...bot.services, ...(ports.services ?? {}) },
    },
    options.maxTransitions,
  );
  return runInTurnScope(scope, () => turn(bot, request, ports, options, scope));
}

async function turn(
  bot: BotDefinition,
  request: TurnRequest,
  ports: TurnPorts,
  options: TurnOptions,
  scope: TurnScope,
): Promise<TurnResult> {
  const emitted = scope.emitted;
  const live = request.live?.take(bot, request.state);
  const restored = live
    ? { actor: live, snapshot: request.state!.snapshot, history: request.state!.history, reset: undefined }
    : restoreProcess(bot, request.state);
  let root = restored.actor;
  let history = restored.history;
  let previous = restored.snapshot;
  // The tree handed to the next turn (quiet by definition: nothing to stop).
  let offered: LiveTree | undefined;
  const replies: Reply[] = [];
  if (restored.reset) replies.push({ type: 'text', text: bot.messages.reset });

  try {
    let understanding: Understanding | undefined;
    let routed: { type: string; [key: string]: unknown };
    const { input } = request;
    const held = heldBy(root);
    if (input.kind === 'message' && held) {
      // Handed off to a human: the message is the host's to record; the bot says nothing and nothing reacts.
      const snapshot = restored.snapshot;
      if (isQuiet(root) && isPlainJson(snapshot)) offered = new LiveTree(bot, root, snapshot);
      const chain = focusChain(root);
      return {
        state: { bot: bot.id, version: bot.version, snapshot, history, turns: (request.state?.turns ?? 0) + 1 },
        replies,
        effects: [],
        outcome: 'held',
        reset: restored.reset,
        threads: threadsOf(root),
        activePath: activePath(root, chain),
        held,
        live: offered,
        problems: [],
        events: [],
      };
    }
    if (input.kind === 'handoff.return') {
      if (!held) throw new NotHeldError({ conversationId: request.conversationId, bot: `${bot.id}@${bot.version}` });
      root.send({ type: HANDOFF_RETURN });
    } else if (input.kind === 'message') {
      understanding = await understand(bot, root, input, ports, scope);
      const intent = understanding.intent;
      if (intent === bot.systemIntents.back) {
        return goBack(bot, request, root, history, replies, understanding, scope);
      }
      const common = { text: input.text, entities: understanding.entities, confidence: understanding.confidence };
      if (intent === bot.systemIntents.cancel) routed = { type: 'escape.cancel', ...common };
      else if (intent === bot.systemIntents.quit) routed = { type: 'escape.quit', ...common };
      else routed = { type: `intent.${intent ?? 'none'}`, intent: intent ?? 'none', ...common };
      root.send({ type: 'turn', event: routed });
    } else {
      root.send({ type: 'external', event: { ...input.event, type: `ext.${input.event.type}` } });
    }
    await settleAndRepair(root, options.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS, scope);
    closeEscapes(scope);

    if (root.getSnapshot().status === 'error') {
      // The process machine itself failed (e.g. a bot-wide handler threw): start afresh rather than wedge.
      replies.push(...collectReplies(emitted), { type: 'text', text: bot.messages.failure });
      root.stop();
      const fresh = restoreProcess(bot, null);
      root = fresh.actor;
      history = [];
      previous = null;
    }
    replies.push(...collectReplies(emitted));
    const notUnderstood = emitted.some((e) => e.type === 'parley.notUnderstood');
    const status = root.getSnapshot().status as string;
    // The focused chain is walked once for the question and the path.
    const chain = focusChain(root);
    const question = status === 'active' ? pendingReply(root, chain) : undefined;
    if (question && emitted.some((e) => e.type === 'parley.reask') && replies[replies.length - 1]?.text !== question.text) {
      replies.push(question);
    }
    const snapshot = root.getPersistedSnapshot() as unknown as Json;
    const changed = previous === null || !sameJson(previous, snapshot);
    if (status !== 'active') history = [];
    // "Back" steps over the user's own turns that changed something; a not-understood or idle turn (help, greet)
    // adds no step. An external event that changed the state cuts the history: going back must not undo it.
    else if (input.kind !== 'message') history = changed ? [] : history;
    else if (!notUnderstood && changed && previous !== null) history = lastSteps([...history, previous], bot.backDepth);
    if (status === 'active' && isQuiet(root) && isPlainJson(snapshot)) offered = new LiveTree(bot, root, snapshot);
    return {
      state: { bot: bot.id, version: bot.version, snapshot, history, turns: (request.state?.turns ?? 0) + 1 },
      replies,
      effects: scope.effects,
      outcome: status === 'done' ? 'ended' : notUnderstood ? 'notUnderstood' : 'handled',
      reset: restored.reset,
      understanding,
      threads: threadsOf(root),
      activePath: activePath(root, chain),
      pendingQuestion: question?.text,
      ...(question?.choices ? { pendingChoices: question.choices } : {}),
      ...(status === 'active' && heldBy(root) ? { held: heldBy(root) } : {}),
      live: offered,
      problems: scope.problems,
      events: scope.events,
    };
  } finally {
    // A settled tree holds no timers or running actors: it is simply dropped. Stopping it costs ~15% of a turn.
    if (!offered && pendingActors(root).length > 0) root.stop();
  }
}

async function understand(
  bot: BotDefinition,
  root: AnyActorRef,
  input: Extract<TurnInput, { kind: 'message' }>,
  ports: TurnPorts,
  scope: TurnScope,
): Promise<Understanding> {
  if (input.intent !== undefined || !ports.nlu) {
    return {
      intent: input.intent ?? null,
      confidence: input.confidence ?? (input.intent ? 1 : 0),
      entities: input.entities ?? [],
      alternatives: [],
    };
  }
  const { cancel, quit, back, affirm, deny } = bot.systemIntents;
  return ports.nlu.understand(input.text, {
    bot: bot.id,
    locale: bot.locale,
    openIntents: openIntents(root, [cancel, quit, back], [affirm, deny]),
    timeZone: bot.timeZone,
    now: scope.clock.now(),
  });
}

/** "Go back one step": restore the previous snapshot and re-ask its question. Side effects are not undone. */
function goBack(
  bot: BotDefinition,
  request: TurnRequest,
  root: AnyActorRef,
  history: Json[],
  replies: Reply[],
  understanding: Understanding,
  scope: TurnScope,
): TurnResult {
  const earlier = history[history.length - 1];
  let actor = root;
  let outcome: TurnOutcome = 'cannotGoBack';
  let snapshot = (request.state?.snapshot ?? root.getPersistedSnapshot()) as Json;
  let rest = history;
  if (earlier !== undefined) {
    const restored = restoreProcess(bot, { ...request.state!, snapshot: earlier, history: [] });
    if (!restored.reset) {
      root.stop();
      actor = restored.actor;
      snapshot = earlier;
      rest = history.slice(0, -1);
      outcome = 'back';
    } else {
      restored.actor.stop();
    }
  }
  if (outcome === 'cannotGoBack') replies.push({ type: 'text', text: bot.messages.cannotGoBack });
  replies.push(...collectReplies(scope.emitted));
  const chain = focusChain(actor);
  const question = pendingReply(actor, chain);
  if (question) replies.push(question);
  const result: TurnResult = {
    state: { bot: bot.id, version: bot.version, snapshot, history: rest, turns: (request.state?.turns ?? 0) + 1 },
    replies,
    effects: scope.effects,
    outcome,
    understanding,
    threads: threadsOf(actor),
    activePath: activePath(actor, chain),
    pendingQuestion: question?.text,
    ...(question?.choices ? { pendingChoices: question.choices } : {}),
    problems: scope.problems,
    events: scope.events,
  };
  actor.stop();
  return result;
}

/** The `depth` most recent steps (none for depth 0: `slice(-0)` would keep them all). */
function lastSteps(steps: Json[], depth: number): Json[] {
  return depth > 0 ? steps.slice(-depth) : [];
}

/** Structural equality of two JSON values (persisted snapshots), stopping at the first difference. */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  // A live snapshot may carry keys set to undefined that its JSON form does not have.
  const keysA = Object.keys(a).filter((key) => (a as Record<string, unknown>)[key] !== undefined);
  const keysB = Object.keys(b).filter((key) => (b as Record<string, unknown>)[key] !== undefined);
  if (keysA.length !== keysB.length) return false;
  for (const key of keysA) {
    if (!sameJson((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key])) return false;
  }
  return true;
}

/** Take the replies out of the emitted events, in order; the markers (re-ask, not understood) stay. */
function collectReplies(emitted: TurnEvent[]): Reply[] {
  const replies: Reply[] = [];
  const markers: TurnEvent[] = [];
  for (const e of emitted) {
    if (e.type === 'reply') replies.push({ type: 'text', text: e.text, ...(e.choices ? { choices: e.choices } : {}) });
    else markers.push(e);
  }
  emitted.length = 0;
  emitted.push(...markers);
  return replies;
}

/**
 * Settle the tree, then restart the stages left waiting for a context that is gone: a sub-context failed, the failure
 * was stopped at a level above it without leaving the stage that waits for it, and that stage now starts it again
 * (so the conversation goes on from there, and no failed actor is ever persisted). Once per stage and turn; a stage
 * whose context fails again ends its thread with a failure.
 */
async function settleAndRepair(root: AnyActorRef, timeLimitMs: number, scope: TurnScope): Promise<void> {
  const restarted = new Set<string>();
  for (;;) {
    await settle(root, timeLimitMs, scope);
    const orphans = orphanStages(root);
    if (orphans.length === 0) return;
    for (const { actor, stage } of orphans) {
      if (restarted.has(stage)) {
        const thread = threadOf(root, actor) ?? actor.id;
        root.send({ type: 'escape.failure', thread, reason: `'${stage}' keeps failing` });
      } else {
        restarted.add(stage);
        actor.send({ type: RESTART_EVENT, stage });
      }
    }
  }
}

/** Active `dependOn` stages whose context is missing or no longer active, anywhere in the tree. */
function orphanStages(actor: AnyActorRef, found: { actor: AnyActorRef; stage: string }[] = []) {
  const snapshot: unknown = actor.getSnapshot();
  if (!isMachineSnapshot(snapshot) || snapshot.status !== 'active') return found;
  for (const node of activeStateNodes(snapshot)) {
    const key = (node.meta as { dependOn?: string } | undefined)?.dependOn;
    if (key === undefined) continue;
    const child = snapshot.children[key] as AnyActorRef | undefined;
    if (!child || child.getSnapshot().status !== 'active') found.push({ actor, stage: node.id });
  }
  for (const child of Object.values<AnyActorRef>(snapshot.children)) orphanStages(child, found);
  return found;
}

/**
 * Wait until the tree is quiescent: no invoked promise/callback actor still running. An actor that overruns the
 * time limit becomes a failure escape in the context that invoked it; if it still runs after that, its thread ends.
 */
async function settle(root: AnyActorRef, timeLimitMs: number, scope: TurnScope): Promise<void> {
  const deadline = Date.now() + timeLimitMs;
  for (let round = 0; round < 1000; round++) {
    const pending = pendingActors(root);
    if (pending.length === 0) return;
    const remaining = deadline - Date.now();
    const finished = remaining > 0 && (await settledWithin(pending, remaining));
    if (finished) continue;
    for (const actor of pending) {
      if (actor.getSnapshot().status !== 'active') continue;
      const parent = parentOf(actor);
      const message = `'${actor.id}' took longer than ${timeLimitMs} ms`;
      scope.problems.push({ code: 'SERVICE_FAILED', context: parent ? contextOf(parent) : undefined, message });
      parent?.send({ type: 'escape.failure', reason: message });
    }
    for (const actor of pendingActors(root)) {
      const thread = threadOf(root, actor);
      if (thread) root.send({ type: 'escape.failure', thread, reason: `'${actor.id}' did not stop` });
    }
  }
  throw new DialogueError('TURN_TIMEOUT', 'The turn did not settle: invoked actors keep starting each other.');
}

function pendingActors(actor: AnyActorRef, found: AnyActorRef[] = []): AnyActorRef[] {
  const snapshot: unknown = actor.getSnapshot();
  if (!isMachineSnapshot(snapshot)) return found;
  for (const child of Object.values<AnyActorRef>(snapshot.children)) {
    const s: { status: string } = child.getSnapshot();
    if (isMachineSnapshot(s)) pendingActors(child, found);
    else if (s.status === 'active') found.push(child);
  }
  return found;
}

/** Nothing running (invoked actors) and nothing scheduled (delayed events) anywhere in the tree. */
function isQuiet(root: AnyActorRef): boolean {
  return pendingActors(root).length === 0 && !hasScheduledEvents(root);
}

/** True when `value` survives JSON unchanged (restoring it gives the same objects): no Date, Map, NaN, class… */
function isPlainJson(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean' || value === undefined) return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.every(isPlainJson);
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return false;
  for (const key in value) if (!isPlainJson((value as Record<string, unknown>)[key])) return false;
  return true;
}

function settledWithin(actors: AnyActorRef[], ms: number): Promise<boolean> {
  return new Promise((resolveSettled) => {
    const timer = setTimeout(() => resolveSettled(false), ms);
    timer.unref?.();
    let left = actors.length;
    for (const actor of actors) {
      const done = () => {
        if (--left === 0) {
          clearTimeout(timer);
          resolveSettled(true);
        }
      };
      if (actor.getSnapshot().status !== 'active') done();
      else actor.subscribe({ complete: done, error: done });
    }
  });
}

function contextOf(actor: AnyActorRef): string | undefined {
  const snapshot: unknown = actor.getSnapshot();
  return isMachineSnapshot(snapshot) ? snapshot.machine.id : undefined;
}

function threadOf(root: AnyActorRef, actor: AnyActorRef): string | undefined {
  let current: AnyActorRef | undefined = actor;
  while (current && parentOf(current) && parentOf(current) !== root) current = parentOf(current);
  return current && parentOf(current) === root ? current.id : undefined;
}

/** The handoff holding the conversation, if a human holds it. */
function heldBy(root: AnyActorRef): Held | undefined {
  const snapshot = root.getSnapshot() as { status: string; context?: ProcessContext };
  return snapshot.status === 'active' ? (snapshot.context?.handoff ?? undefined) : undefined;
}

function validateRequest(bot: BotDefinition, request: TurnRequest): void {
  const where = { conversationId: request?.conversationId, bot: `${bot.id}@${bot.version}` };
  if (!request || typeof request.conversationId !== 'string' || !request.conversationId) {
    throw new TurnInputError('A turn needs a conversationId.', where);
  }
  if (typeof request.userId !== 'string' || !request.userId) throw new TurnInputError('A turn needs a userId.', where);
  const input = request.input;
  if (input?.kind === 'message') {
    if (typeof input.text !== 'string') throw new TurnInputError('A message needs `text`.', where);
  } else if (input?.kind === 'event') {
    if (typeof input.event?.type !== 'string' || !/^[A-Za-z][\w.-]{0,127}$/.test(input.event.type)) {
      throw new TurnInputError('An external event needs a `type` of letters, digits, ".", "-" or "_".', where);
    }
    assertEventDeclared(bot, input.event.type, where);
  } else if (input?.kind !== 'handoff.return') {
    throw new TurnInputError(
      "A turn's input is `{ kind: 'message', text }`, `{ kind: 'event', event }` or `{ kind: 'handoff.return' }`.",
      where,
    );
  }
  if (request.state && request.state.bot !== bot.id) {
    throw new TurnInputError(`The stored state belongs to bot '${request.state.bot}', not '${bot.id}'.`, where);
  }
  if (request.state && request.state.version > bot.version) {
    throw new NewerStateError(request.state.version, bot.version, where);
  }
}

/**
 * Throws `UndeclaredEventError` (EVENT_NOT_DECLARED) for an external event type the bot does not handle. `runTurn`
 * checks it; a host may check it first, before it opens a transaction.
 */
export function assertEventDeclared(bot: BotDefinition, type: string, where: DialogueErrorContext = {}): void {
  if (bot.externalEvents !== 'any' && !bot.externalEvents.includes(type)) {
    throw new UndeclaredEventError(type, bot.externalEvents, { bot: `${bot.id}@${bot.version}`, ...where });
  }
}

/** Whether the bot handles the external event `ext.<type>` (it declares it, or accepts any). */
export function declaresEvent(bot: BotDefinition, type: string): boolean {
  return bot.externalEvents === 'any' || bot.externalEvents.includes(type);
}
