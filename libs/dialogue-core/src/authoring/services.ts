import { fromPromise, type PromiseActorLogic } from 'xstate';
import { resolve, type XStateArgs } from './args';
import type { Dynamic, InvokeConfig, ServiceDoneEvent, ServiceErrorEvent, Transitions } from './authoring.types';
import type { Json } from '../ports/memory.port';
import { currentTurn, type Services } from '../runtime/turn-scope';
import { scopeKey } from './memory';

/** What a service actor can use: the bot's services, the clock, and custom-scoped memory. */
export interface ServiceApi {
  services: Services;
  now: Date;
  /** Read memory with custom scope dimensions, e.g. `recall('forecast', { city, date })`. */
  recall: (name: string, dimensions?: Record<string, string | number>) => Promise<Json | undefined>;
  /** Write memory with custom scope dimensions (returned as a `memory.write` effect). */
  remember: (name: string, data: Json, dimensions?: Record<string, string | number>) => void;
}

/**
 * A canned answer of a service for generated path tests (`npm run paths`), which never call the real service: a value
 * to return (or a function of the service's input that computes it), or an error to throw.
 */
export type ServiceSample<TInput = unknown, TOutput = unknown> =
  | { returns: TOutput | ((input: TInput) => TOutput) }
  | { throws: string };

export interface ServiceOptions<TInput, TOutput> {
  /** Named canned answers for path tests; each one is a branch the generated paths explore. */
  samples?: Record<string, ServiceSample<TInput, TOutput>>;
}

const samplesOf = new WeakMap<object, Readonly<Record<string, ServiceSample<never, unknown>>>>();

/** A service actor made by `service(...)`: input `TInput`, output `TOutput`. */
export type ServiceLogic<TInput = unknown, TOutput = unknown> = PromiseActorLogic<TOutput, TInput>;

/**
 * An invoked actor for anything async (a service call, a memory read whose scope depends on what was just said).
 * The turn waits for it (bounded by the turn's time limit); its result arrives in `onDone`, a throw is a failure
 * escape at the context that invoked it (unless that invoke has its own `onError`).
 *
 * @example
 * const forecast = service(async ({ city, date }: { city: string; date: string }, { services, recall, remember }) => {
 *   const cached = await recall('forecast', { city, date });
 *   if (cached) return cached as Forecast;
 *   const fresh = (await services.forecast!({ city, date })) as Forecast;
 *   remember('forecast', fresh, { city, date });
 *   return fresh;
 * }, {
 *   samples: {                                   // path tests answer with these instead of calling the service
 *     sunny: { returns: ({ city, date }) => ({ city, date, sky: '晴', low: 9, high: 17 }) },
 *     unknownCity: { throws: 'No forecast for this city' },
 *   },
 * });
 */
export function service<TInput, TOutput>(
  fn: (input: TInput, api: ServiceApi) => Promise<TOutput>,
  options: ServiceOptions<TInput, TOutput> = {},
): ServiceLogic<TInput, TOutput> {
  const logic = fromPromise<TOutput, TInput>(({ input }) => fn(input, serviceApi()));
  if (options.samples && Object.keys(options.samples).length > 0) {
    samplesOf.set(logic, options.samples);
  }
  return logic;
}

/** The samples declared with `service(fn, { samples })`, for tools that answer a service without calling it. */
export function serviceSamples(logic: unknown): Readonly<Record<string, ServiceSample<never, unknown>>> | undefined {
  return typeof logic === 'object' && logic !== null ? samplesOf.get(logic) : undefined;
}

/** Where `invokeService` keeps the logic it invokes, for `defineContext` to register under its key. */
export const SERVICE_LOGIC = 'parley.service';

/**
 * An `invoke` of a service by its key, typed: `input` is the service's input, `onDone` receives its output. The
 * context registers the service under `key` (it never invokes logic inline, which would not survive a restore).
 */
export function invokeService<TData, TInput, TOutput>(
  key: string,
  logic: ServiceLogic<TInput, TOutput>,
  config: {
    input: Dynamic<TInput, TData>;
    onDone: Transitions<TData, ServiceDoneEvent<TOutput>>;
    onError?: Transitions<TData, ServiceErrorEvent>;
  },
): InvokeConfig<TData, TOutput> {
  const { input, onDone, onError } = config;
  return {
    src: key,
    input: (args: XStateArgs) => resolve(input, args),
    onDone,
    ...(onError !== undefined ? { onError } : {}),
    [SERVICE_LOGIC]: logic,
  } as InvokeConfig<TData, TOutput>;
}

/** Read custom-scoped memory from outside a service actor's body (same as `api.recall`). */
export function recall(name: string, dimensions?: Record<string, string | number>): Promise<Json | undefined> {
  return serviceApi().recall(name, dimensions);
}

function serviceApi(): ServiceApi {
  const turn = currentTurn();
  return {
    services: turn.services,
    now: turn.clock.now(),
    async recall(name, dimensions = {}) {
      const scope = scopeKey(turn.catalog, name, turn, dimensions);
      // A value written earlier in this same turn is not in the store yet.
      for (let i = turn.effects.length - 1; i >= 0; i--) {
        const effect = turn.effects[i]!;
        if (effect.type === 'memory.write' && effect.scope === scope && effect.name === name) return effect.data;
      }
      const [value] = await turn.memoryPort.read([{ scope, name }]);
      return value ?? turn.catalog.declarations[name]?.initial;
    },
    remember(name, data, dimensions = {}) {
      const scope = scopeKey(turn.catalog, name, turn, dimensions);
      turn.effects.push({ type: 'memory.write', scope, name, data });
    },
  };
}
