import type { BotDefinition, ParleyMeta } from '@parley/dialogue-core';
import type { AnyStateNode, AnyTransitionDefinition } from 'xstate';
import { actionName, isRouting, stageTransitions } from '../model/transitions';

/** A state config in XState's JSON form (what `createMachine` accepts), with no functions in it. */
export interface StateConfigJson {
  id?: string;
  type?: 'parallel' | 'final' | 'history';
  history?: 'shallow' | 'deep';
  initial?: string;
  states?: Record<string, StateConfigJson>;
  on?: Record<string, TransitionJson[]>;
  always?: TransitionJson[];
  onDone?: TransitionJson[];
  invoke?: { id?: string; src: string; onDone?: TransitionJson[]; onError?: TransitionJson[] }[];
  tags?: string[];
  meta?: Record<string, unknown>;
  description?: string;
}

export interface TransitionJson {
  target?: string[];
  guard?: string;
  reenter?: true;
  actions?: string[];
  description?: string;
  meta?: Record<string, unknown>;
}

/**
 * The whole bot as one XState machine config (JSON), for the Stately visualizer and other XState tools. The process
 * is a parallel state with a region per thread (`idle` / `running`); each context's stages are inlined in its
 * `running` state, and a `dependOn` stage holds the context it starts as its own sub-states, whose end is the stage's
 * `onDone` (one transition per result). Bot-wide intents that open a thread target its `running` state. Guards and
 * actions are names only (an inline guard is `inline`); Parley's generated routing is left out. `createMachine(config)`
 * accepts it; to run it, provide the guards it names.
 *
 * @example
 * const machine = createMachine(toXStateConfig(juice) as MachineConfig<...>);
 */
export function toXStateConfig(bot: BotDefinition): StateConfigJson & { id: string } {
  const root = bot.id;
  const regions: Record<string, StateConfigJson> = {};
  for (const key of Object.keys(bot.contexts)) {
    const base = `${root}.active.${key}`;
    regions[key] = {
      initial: key === bot.home ? 'running' : 'idle',
      states: {
        idle: {},
        running: {
          ...contextConfig(bot, key, `${base}.running`),
          // The context ended: the thread stops (home starts again).
          onDone: [
            {
              target: [key === bot.home ? `#${base}.running` : `#${base}.idle`],
              ...(key === bot.home ? { reenter: true as const } : {}),
            },
          ],
        },
      },
    };
  }
  const on: Record<string, TransitionJson[]> = {};
  const active = bot.process.root.states.active;
  for (const [eventType, transitions] of Object.entries(active?.on ?? {})) {
    if (!/^(intent|ext)\./.test(eventType) || eventType.endsWith('*')) continue;
    for (const t of transitions) {
      const meta = (t.meta ?? {}) as ParleyMeta;
      const thread = meta.opensThread ?? meta.blocksThread;
      const transition: TransitionJson = thread
        ? {
            target: [`#${root}.active.${thread}.running`],
            description: meta.opensThread ? 'opens the thread' : 'blocks the thread',
          }
        : { description: meta.replies ? 'replies' : 'handled by the process' };
      (on[eventType] ??= []).push(transition);
    }
  }
  on['escape.quit'] = [{ target: [`#${root}.ended`], description: 'quit: every thread ends' }];
  return {
    id: root,
    initial: 'active',
    states: {
      active: { type: 'parallel', states: regions, on },
      ended: { type: 'final' },
    },
  };
}

/** A context's stages, inlined as the sub-states of the state with id `path`. */
function contextConfig(bot: BotDefinition, key: string, path: string): StateConfigJson {
  const machine = bot.machines[key]!;
  const root = machine.root;
  const config = stateConfig(bot, root, path, path);
  const description = bot.contexts[key]?.spec.description;
  return { ...config, meta: { ...(config.meta ?? {}), context: key }, ...(description ? { description } : {}) };
}

function stateConfig(bot: BotDefinition, state: AnyStateNode, path: string, contextPath: string): StateConfigJson {
  const config: StateConfigJson = {};
  if (state.type === 'parallel') config.type = 'parallel';
  if (state.type === 'final') config.type = 'final';
  if (state.type === 'history') {
    config.type = 'history';
    config.history = state.history === 'deep' ? 'deep' : 'shallow';
  }
  const meta = (state.meta ?? {}) as { prompt?: unknown; dependOn?: string } & ParleyMeta;
  const outMeta: Record<string, unknown> = {};
  if (meta.prompt !== undefined) outMeta.prompt = typeof meta.prompt === 'string' ? meta.prompt : '(computed)';
  if (state.type === 'final') outMeta.result = meta.result ?? 'done';
  if (Object.keys(outMeta).length) config.meta = outMeta;
  if (state.tags.length) config.tags = [...state.tags];
  if (state.description && state.path.length) config.description = state.description;

  const target = (node: AnyStateNode) => `#${contextPath}${node.path.length ? `.${node.path.join('.')}` : ''}`;
  const child = meta.dependOn && bot.contexts[meta.dependOn] ? meta.dependOn : undefined;
  if (child) {
    // The context this stage starts, inlined: its stages are this stage's sub-states.
    const inner = contextConfig(bot, child, path);
    Object.assign(config, { initial: inner.initial, states: inner.states });
    if (inner.on) config.on = { ...inner.on };
    config.meta = { ...(config.meta ?? {}), dependOn: child };
  } else if (state.type === 'compound' || state.type === 'parallel') {
    const initial = state.initial?.target?.[0];
    if (state.type === 'compound' && initial) config.initial = initial.key;
    config.states = {};
    for (const sub of Object.values(state.states))
      config.states[sub.key] = stateConfig(bot, sub, `${path}.${sub.key}`, contextPath);
  }

  for (const t of stageTransitions(state)) {
    if (isRouting(t)) continue;
    const json = transitionJson(t, target);
    const done = /^xstate\.(done|error)\.actor\.(.+)$/.exec(t.eventType);
    if (t.eventType === '') (config.always ??= []).push(json);
    else if (done && done[2] === child) {
      // A result of the inlined context: its end (a final sub-state) is this stage's onDone.
      const result = (t.meta as ParleyMeta | undefined)?.result ?? 'done';
      (config.onDone ??= []).push({ ...json, guard: `result:${result}` });
    } else if (done) {
      const invoke = state.invoke.find((i) => i.id === done[2]);
      const src = typeof invoke?.src === 'string' ? invoke.src : done[2]!;
      let entry = config.invoke?.find((i) => i.src === src);
      if (!entry) (config.invoke ??= []).push((entry = { src }));
      if (done[1] === 'done') (entry.onDone ??= []).push(json);
      else (entry.onError ??= []).push(json);
    } else (config.on ??= {})[t.eventType] = [...(config.on?.[t.eventType] ?? []), json];
  }
  return config;
}

function transitionJson(t: AnyTransitionDefinition, target: (node: AnyStateNode) => string): TransitionJson {
  const json: TransitionJson = {};
  if (t.target?.length) json.target = t.target.map(target);
  const guard: unknown = t.guard;
  if (typeof guard === 'string') json.guard = guard;
  else if (guard && typeof guard === 'object' && typeof (guard as { type?: unknown }).type === 'string')
    json.guard = (guard as { type: string }).type;
  else if (guard !== undefined) json.guard = 'inline';
  if (t.reenter) json.reenter = true;
  const named = t.actions.map(actionName).filter((name): name is string => !!name && !name.startsWith('xstate.'));
  if (named.length) json.actions = named;
  if (t.description) json.description = t.description;
  return json;
}
