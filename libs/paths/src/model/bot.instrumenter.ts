import { ESCAPE_KINDS, serviceSamples, type BotDefinition, type EscapeKind } from '@parley/dialogue-core';
import { createMachine, type AnyActorLogic, type AnyStateMachine } from 'xstate';
import { ServiceSampler, type TurnTrace, type TracedBot } from '../engine/service.sampler';
import { BOT_LEVEL, type BotInventory, type HandledIntent, type StageItem, type TransitionItem } from './bot.inventory';

type Config = Record<string, any>;

// Events that are Parley's routing, never the author's.
const ROUTING_EVENTS = new Set(['turn', 'bubble']);
const ESCAPE_EVENTS = new Map<string, EscapeKind>(ESCAPE_KINDS.map((kind) => [`escape.${kind}`, kind]));

/**
 * The bot, rebuilt from its own statecharts with two additions that change nothing it does: every stage records
 * that it was entered and every authored transition records that it was taken (Parley's routing is left alone),
 * and services declared with samples answer from them instead of running. The turn itself is the real engine's
 * (`runTurn` on the rebuilt bot); the generated paths are then replayed on the bot as it is.
 */
export class InstrumentedBot implements TracedBot {
  readonly bot: BotDefinition;
  readonly inventory: BotInventory;
  private readonly sampler = new ServiceSampler();

  constructor(readonly original: BotDefinition) {
    const inventory: Mutable<BotInventory> = {
      contexts: [],
      stages: [],
      transitions: [],
      escapes: [],
      wildcardNodes: new Set<string>(),
      handledIntents: [],
      externalEvents: [],
    };
    const machines: Record<string, AnyStateMachine> = {};
    const build = (key: string): AnyStateMachine => {
      const built = machines[key];
      if (built) return built;
      const definition = original.contexts[key]!;
      const children: Record<string, AnyActorLogic> = {};
      for (const child of definition.dependsOn) children[child] = build(child);
      for (const [name, logic] of Object.entries(definition.spec.actors ?? {})) {
        const samples = serviceSamples(logic);
        if (samples) children[name] = this.sampler.service(name, samples);
      }
      const machine = original.machines[key]!;
      const walker = new ConfigWalker(key, this, inventory);
      const config = walker.machine(machine.config as Config);
      const implementations = machine.implementations;
      machines[key] = createMachine(
        config as any,
        {
          ...implementations,
          actors: { ...implementations.actors, ...children },
        } as any,
      ) as AnyStateMachine;
      return machines[key];
    };
    for (const key of Object.keys(original.contexts)) {
      inventory.contexts.push(key);
      build(key);
    }
    const processConfig = new ConfigWalker(BOT_LEVEL, this, inventory).process(
      original.process.config as Config,
      original.intents,
    );
    if (inventory.transitions.some((t) => t.context === BOT_LEVEL)) inventory.contexts.push(BOT_LEVEL);
    const process = createMachine(
      processConfig as any,
      {
        ...original.process.implementations,
        actors: { ...original.process.implementations.actors, ...machines },
      } as any,
    ) as AnyStateMachine;
    inventory.externalEvents = [...new Set(inventory.externalEvents)].sort();
    this.inventory = inventory;
    this.bot = Object.freeze({ ...original, machines, process });
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

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends ReadonlySet<infer U> ? Set<U> : T[K] };

/** Copies a machine config, adding the recorder actions and listing stages and authored transitions on the way. */
class ConfigWalker {
  constructor(
    private readonly context: string,
    private readonly recorder: InstrumentedBot,
    private readonly inventory: Mutable<BotInventory>,
  ) {}

  machine(config: Config): Config {
    return {
      ...config,
      states: this.states(config.states ?? {}, ''),
      on: this.on(config.on, '', false),
    };
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

  private states(states: Record<string, Config>, prefix: string): Record<string, Config> {
    const result: Record<string, Config> = {};
    for (const [name, config] of Object.entries(states)) {
      const path = prefix ? `${prefix}.${name}` : name;
      if (config.type === 'history') {
        result[name] = config;
        continue;
      }
      const id = `${this.context}.${path}`;
      const tags = toArray<string>(config.tags);
      this.inventory.stages.push({
        id,
        context: this.context,
        stage: path,
        final: config.type === 'final',
        question: config.meta?.prompt !== undefined,
        yielding: tags.includes('parley.yielding'),
      } satisfies StageItem);
      const recorder = this.recorder;
      const copy: Config = { ...config, entry: [() => recorder.enteredStage(id), ...toArray(config.entry)] };
      if (config.on) copy.on = this.on(config.on, path, !!config.meta?.dependOn);
      if (config.always) copy.always = this.transitions(config.always, path, 'always', () => true);
      if (config.onDone) copy.onDone = this.transitions(config.onDone, path, `xstate.done.state.${id}`, () => true);
      if (config.invoke) copy.invoke = this.invokes(config.invoke, path, !!config.meta?.dependOn);
      if (config.states) copy.states = this.states(config.states, path);
      result[name] = copy;
    }
    return result;
  }

  private on(on: Config | undefined, path: string, _hostsChild: boolean): Config | undefined {
    if (!on) return on;
    const result: Config = {};
    for (const [event, value] of Object.entries<unknown>(on)) {
      result[event] = ROUTING_EVENTS.has(event) ? value : this.transitions(value, path, event, isAuthored);
    }
    return result;
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
    const mapped = list.map((transition, index) => {
      if (!authored(transition)) return transition;
      const item = this.item(path, event, index, transition);
      return { ...transition, actions: [() => recorder.tookTransition(item.id), ...toArray(transition.actions)] };
    });
    return mapped;
  }

  private item(path: string, event: string, index: number, transition: Config): TransitionItem {
    const where = path ? `${this.context}.${path}` : this.context;
    const escape = ESCAPE_EVENTS.get(event);
    const guard = transition.guard;
    const guardLabel =
      guard === undefined ? '' : typeof guard === 'string' ? ` [${guard}]` : ` [${guardName(guard) ?? 'if …'}]`;
    const targets = toArray<string>(transition.target);
    const label = `${where}: ${eventLabel(event)}${index > 0 ? ` #${index}` : ''}${guardLabel}${
      targets.length ? ` → ${targets.join(', ')}` : ''
    }`;
    const item: TransitionItem = {
      id: `${this.context}|${path}|${event}|${index}`,
      context: this.context,
      stage: path,
      event,
      label,
    };
    if (escape) this.inventory.escapes.push({ ...item, escape });
    else this.inventory.transitions.push(item);
    if (event === 'intent.*') this.inventory.wildcardNodes.add(where);
    else if (event.startsWith('intent.')) {
      this.inventory.handledIntents.push({
        context: this.context,
        stage: path,
        intent: event.slice(7),
      } satisfies HandledIntent);
    } else if (event.startsWith('ext.') && event !== 'ext.*') this.inventory.externalEvents.push(event.slice(4));
    return escape ? { ...item, escape } : item;
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
