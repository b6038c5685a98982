import {
  confirm,
  defineBot,
  defineContext,
  ESCAPE_KINDS,
  serviceSamples,
  type Actions,
  type BotDefinition,
  type ConfirmSpec,
  type ContextDefinition,
  type ContextSpec,
  type EscapeKind,
  type StageConfig,
} from '@parley/dialogue-core';
import { createMachine, type AnyActorLogic, type AnyStateMachine } from 'xstate';
import { ServiceSampler, type TracedBot, type TurnTrace } from '../engine/service.sampler';
import { BOT_LEVEL, type BotInventory, type StageItem, type TransitionItem } from './bot.inventory';

type Config = Record<string, any>;

/** Events that are Parley's routing inside a stage, never the author's (`ask` and `dependOn` add `turn`). */
const ROUTING_EVENTS = new Set(['turn', 'bubble']);
const ESCAPE_HANDLERS: Record<string, EscapeKind> = {
  onCancel: 'cancel',
  onReject: 'reject',
  onFailure: 'failure',
  onQuit: 'quit',
};
const ESCAPE_EVENTS = new Map<string, EscapeKind>(ESCAPE_KINDS.map((kind) => [`escape.${kind}`, kind]));
/** The key a `confirm()` handler keeps its spec under (its public type: `ConfirmHandler`). */
const CONFIRM_KEY = 'parley.confirm';

/**
 * The bot, defined again from its own contexts' specs with two additions that change nothing it does: every stage
 * records that it was entered and every authored transition records that it was taken, and services declared with
 * samples answer from them instead of running. The contexts are built by `defineContext`/`defineBot` exactly as the
 * author's are (Parley's routing, bounds and failure handling included); the process machine is the bot's own, with
 * its bot-wide intents and events recorded too. Turns run on it with the real `runTurn`; the generated paths are then
 * replayed on the bot as it is (`SampledBot`).
 */
export class InstrumentedBot implements TracedBot {
  readonly bot: BotDefinition;
  readonly inventory: BotInventory;
  private readonly sampler = new ServiceSampler();

  constructor(readonly original: BotDefinition) {
    const inventory: BotInventory = {
      contexts: [],
      stages: [],
      transitions: [],
      escapes: [],
      wildcardNodes: new Set<string>(),
      externalEvents: [],
    };
    const definitions: ContextDefinition[] = Object.values(original.contexts).map((definition) => {
      inventory.contexts.push(definition.id);
      return defineContext(new SpecWalker(definition.id, this, inventory, this.sampler).spec(definition.spec));
    });
    const rebuilt = defineBot({
      id: original.id,
      version: original.version,
      locale: original.locale,
      timeZone: original.timeZone,
      home: original.home,
      contexts: definitions,
      systemIntents: original.systemIntents,
      messages: original.messages,
      backDepth: original.backDepth,
      nlu: original.nlu,
      services: original.services,
    });
    const processConfig = new SpecWalker(BOT_LEVEL, this, inventory, this.sampler).process(
      original.process.config as Config,
      original.intents,
    );
    if ([...inventory.transitions, ...inventory.escapes].some((t) => t.context === BOT_LEVEL)) {
      inventory.contexts.push(BOT_LEVEL);
    }
    const process = createMachine(
      processConfig as any,
      {
        ...original.process.implementations,
        actors: { ...original.process.implementations.actors, ...rebuilt.machines },
      } as any,
    ) as AnyStateMachine;
    inventory.externalEvents = [...new Set(inventory.externalEvents)].sort();
    this.inventory = inventory;
    this.bot = Object.freeze({ ...original, contexts: rebuilt.contexts, machines: rebuilt.machines, process });
  }

  traced<T>(turn: () => Promise<T>, forced: readonly string[] = []): Promise<{ result: T; trace: TurnTrace }> {
    return this.sampler.traced(turn, forced);
  }

  /** @internal recorder action */
  enteredStage(id: string): void {
    this.sampler.current?.entered.push(id);
  }

  /** @internal recorder action */
  tookTransition(id: string): void {
    this.sampler.current?.taken.push(id);
  }
}

/** Copies a context spec (or the process config), adding the recorders and listing stages and authored transitions. */
class SpecWalker {
  constructor(
    private readonly context: string,
    private readonly recorder: InstrumentedBot,
    private readonly inventory: BotInventory,
    private readonly sampler: ServiceSampler,
  ) {}

  spec(spec: ContextSpec): ContextSpec {
    const copy: Record<string, any> = { ...spec, stages: this.stages(spec.stages, '') };
    if (spec.on) copy.on = this.on(spec.on, '');
    for (const [key, kind] of Object.entries(ESCAPE_HANDLERS)) {
      const handler = (spec as unknown as Record<string, unknown>)[key];
      if (handler !== undefined) copy[key] = this.escapeHandler(handler, '', kind);
    }
    if (spec.actors) {
      const actors: Record<string, AnyActorLogic> = {};
      for (const [name, logic] of Object.entries(spec.actors)) {
        const samples = serviceSamples(logic);
        actors[name] = samples ? this.sampler.service(name, samples) : logic;
      }
      copy.actors = actors;
    }
    return copy as ContextSpec;
  }

  /** The process machine: only the bot-wide intents and external events are the author's. */
  process(config: Config, botIntents: readonly string[]): Config {
    const active: Config = config.states.active;
    const on: Config = { ...active.on };
    for (const [event, value] of Object.entries<unknown>(active.on ?? {})) {
      const authored =
        (event.startsWith('intent.') && botIntents.includes(event.slice(7))) ||
        (event.startsWith('ext.') && event !== 'ext.*');
      if (authored) on[event] = this.transitions(value, '', event, () => true);
    }
    return { ...config, states: { ...config.states, active: { ...active, on } } };
  }

  private stages(stages: Record<string, StageConfig>, prefix: string): Record<string, StageConfig> {
    const result: Record<string, StageConfig> = {};
    for (const [name, config] of Object.entries(stages)) {
      const path = prefix ? `${prefix}.${name}` : name;
      if (config.type === 'history') {
        result[name] = config;
        continue;
      }
      const id = `${this.context}.${path}`;
      this.inventory.stages.push({
        id,
        context: this.context,
        stage: path,
        final: config.type === 'final',
        question: config.meta?.prompt !== undefined,
        yielding: toArray<string>(config.tags).includes('parley.yielding'),
      } satisfies StageItem);
      const recorder = this.recorder;
      const hostsChild = config.meta?.dependOn !== undefined;
      const copy: Config = { ...config, entry: [() => recorder.enteredStage(id), ...toArray(config.entry)] };
      if (config.on) copy.on = this.on(config.on, path);
      if (config.always) copy.always = this.transitions(config.always, path, 'always', () => true);
      if (config.onDone) copy.onDone = this.transitions(config.onDone, path, `xstate.done.state.${id}`, () => true);
      if (config.invoke) copy.invoke = this.invokes(config.invoke, path, hostsChild);
      for (const [key, kind] of Object.entries(ESCAPE_HANDLERS)) {
        const handler = (config as Record<string, unknown>)[key];
        if (handler !== undefined) copy[key] = this.escapeHandler(handler, path, kind);
      }
      if (config.states) copy.states = this.stages(config.states, path);
      result[name] = copy;
    }
    return result;
  }

  private on(on: Config, path: string): Config {
    const result: Config = {};
    for (const [event, value] of Object.entries<unknown>(on)) {
      result[event] = ROUTING_EVENTS.has(event) ? value : this.transitions(value, path, event, isAuthored);
    }
    return result;
  }

  /** `onCancel` and the like: a transition, or a `confirm()` whose answers are recorded. */
  private escapeHandler(handler: unknown, path: string, kind: EscapeKind): unknown {
    const event = `escape.${kind}`;
    if (typeof handler !== 'object' || handler === null || !(CONFIRM_KEY in handler)) {
      return this.transitions(handler, path, event, () => true);
    }
    const spec = (handler as Record<string, ConfirmSpec>)[CONFIRM_KEY]!;
    const recorder = this.recorder;
    const asked = this.item(path, event, 0, { target: undefined }, ' (confirm)');
    const answer = (name: 'yes' | 'no', index: number, actions: unknown) => {
      const item = this.item(path, `confirm.${name}`, index, {}, ` (${kind})`);
      return [() => recorder.tookTransition(asked.id), () => recorder.tookTransition(item.id), ...toArray(actions)];
    };
    // A confirmation with nothing to say on "yes" lets the escape go on unannounced: adding an action there would
    // change what the bot says, so that answer only counts for the escape itself.
    return confirm({
      prompt: spec.prompt,
      yes: spec.yes === undefined ? undefined : (answer('yes', 0, spec.yes) as Actions),
      no: answer('no', 0, spec.no) as Actions,
    });
  }

  private invokes(invoke: Config | Config[], path: string, hostsChild: boolean): Config | Config[] {
    const each = (entry: Config): Config => {
      const source = typeof entry.src === 'string' ? entry.src : (entry.id ?? 'actor');
      const copy: Config = { ...entry };
      if (entry.onDone) {
        copy.onDone = this.transitions(entry.onDone, path, `xstate.done.actor.${source}`, (t) =>
          hostsChild ? !isEscalation(t) : true,
        );
      }
      // A dependOn's onError is Parley's (a crashed child becomes a failure escape).
      if (entry.onError && !hostsChild) {
        copy.onError = this.transitions(entry.onError, path, `xstate.error.actor.${source}`, () => true);
      }
      return copy;
    };
    return Array.isArray(invoke) ? invoke.map(each) : each(invoke);
  }

  /** Normalise one event's transitions and add the recorder to the authored ones. */
  private transitions(value: unknown, path: string, event: string, authored: (t: Config) => boolean): unknown {
    if (value === undefined) return value;
    const list = (Array.isArray(value) ? value : [value]).map((t: unknown): Config =>
      typeof t === 'string' ? { target: t } : { ...(t as Config) },
    );
    const recorder = this.recorder;
    return list.map((transition, index) => {
      if (!authored(transition)) return transition;
      const item = this.item(path, event, index, transition);
      return { ...transition, actions: [() => recorder.tookTransition(item.id), ...toArray(transition.actions)] };
    });
  }

  private item(path: string, event: string, index: number, transition: Config, suffix = ''): TransitionItem {
    const where = path ? `${this.context}.${path}` : this.context;
    const escape = ESCAPE_EVENTS.get(event);
    const guard = transition.guard;
    const guardLabel =
      guard === undefined ? '' : typeof guard === 'string' ? ` [${guard}]` : ` [${guardName(guard) ?? 'if …'}]`;
    const targets = toArray<string>(transition.target);
    const label = `${where}: ${eventLabel(event)}${index > 0 ? ` #${index}` : ''}${guardLabel}${suffix}${
      targets.length ? ` → ${targets.join(', ')}` : ''
    }`;
    const item: TransitionItem = {
      id: `${this.context}|${path}|${event}|${index}`,
      context: this.context,
      stage: path,
      event,
      label,
      ...(escape ? { escape } : {}),
    };
    if (escape) this.inventory.escapes.push(item);
    else this.inventory.transitions.push(item);
    if (event === 'intent.*') (this.inventory.wildcardNodes as Set<string>).add(where);
    else if (event.startsWith('ext.') && event !== 'ext.*') this.inventory.externalEvents.push(event.slice(4));
    return item;
  }
}

/** A transition is the author's unless all it does is Parley's routing (`parley.*` actions). */
function isAuthored(transition: Config): boolean {
  const actions = toArray<unknown>(transition.actions);
  if (actions.length === 0) return true;
  return !actions.every((action) => {
    const type = typeof action === 'string' ? action : (action as { type?: unknown } | null)?.type;
    return typeof type === 'string' && type.startsWith('parley.');
  });
}

/**
 * The results a `dependOn` stage does not handle become escapes at that stage: targetless transitions whose only
 * action is a `raise`. (Built-in action creators carry their `type`, as `machine.definition` shows them.)
 */
function isEscalation(transition: Config): boolean {
  const actions = toArray<unknown>(transition.actions);
  return (
    transition.target === undefined &&
    actions.length === 1 &&
    (actions[0] as { type?: unknown } | null)?.type === 'xstate.raise'
  );
}

function guardName(guard: unknown): string | undefined {
  if (typeof guard === 'object' && guard !== null && typeof (guard as { type?: unknown }).type === 'string') {
    return (guard as { type: string }).type;
  }
  return undefined;
}

function eventLabel(event: string): string {
  if (event.startsWith('xstate.done.actor.')) return `done(${event.slice(18)})`;
  if (event.startsWith('xstate.error.actor.')) return `error(${event.slice(19)})`;
  if (event.startsWith('xstate.done.state.')) return 'done';
  return event;
}

function toArray<T>(value: unknown): T[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? (value as T[]) : [value as T];
}
