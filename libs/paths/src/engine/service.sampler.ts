import { serviceSamples, type BotDefinition, type ServiceSample } from '@parley/dialogue-core';
import { fromPromise, type AnyActorLogic, type AnyStateMachine } from 'xstate';

/** One call of a service during a turn, and the sample that answered it. */
export interface ServiceCall {
  service: string;
  sample: string;
  /** The other samples the call could have been answered with. */
  alternatives: string[];
}

/** What one turn did inside the statecharts: stages entered and authored transitions taken (in order), services called. */
export interface TurnTrace {
  entered: string[];
  taken: string[];
  calls: ServiceCall[];
}

/** A bot whose turns can be traced: `traced(() => runTurn(bot, …))`. */
export interface TracedBot {
  /** The bot to run turns on. */
  readonly bot: BotDefinition;
  /** The bot as its author defined it. */
  readonly original: BotDefinition;
  /**
   * Run one turn and return what happened inside. `forced` names the samples that answer the turn's first service
   * calls; later calls take each service's first sample. Turns run one at a time, in the order they were asked for.
   */
  traced<T>(turn: () => Promise<T>, forced?: readonly string[]): Promise<{ result: T; trace: TurnTrace }>;
}

type Samples = Readonly<Record<string, ServiceSample<any, any>>>;

/** Answers services from the samples declared with `service(fn, { samples })`, as the current turn chooses. */
export class ServiceSampler {
  current: TurnTrace | undefined;
  private forced: string[] = [];
  /** Turns wait for each other: the trace being written is the sampler's own. */
  private queue: Promise<unknown> = Promise.resolve();

  traced<T>(turn: () => Promise<T>, forced: readonly string[] = []): Promise<{ result: T; trace: TurnTrace }> {
    const run = async () => {
      const trace: TurnTrace = { entered: [], taken: [], calls: [] };
      this.current = trace;
      this.forced = [...forced];
      try {
        return { result: await turn(), trace };
      } finally {
        this.current = undefined;
      }
    };
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** The actor that stands for service `name` (never calls it). */
  service(name: string, samples: Samples): AnyActorLogic {
    const names = Object.keys(samples);
    return fromPromise(async ({ input }: { input: unknown }) => {
      const trace = this.current;
      const wanted = this.forced[trace?.calls.length ?? 0];
      const chosen = wanted !== undefined && names.includes(wanted) ? wanted : names[0]!;
      trace?.calls.push({ service: name, sample: chosen, alternatives: names.filter((n) => n !== chosen) });
      const sample = samples[chosen]!;
      if ('throws' in sample) throw new Error(sample.throws);
      const returns: unknown = sample.returns;
      return typeof returns === 'function' ? (returns as (value: unknown) => unknown)(input) : returns;
    });
  }
}

/**
 * The bot as its author defined it, except that services declared with samples answer from them (XState's
 * `provide`, on the contexts that invoke them and the ones above). A bot without samples is returned as it is.
 */
export class SampledBot implements TracedBot {
  readonly bot: BotDefinition;
  private readonly sampler = new ServiceSampler();

  constructor(readonly original: BotDefinition) {
    const machines: Record<string, AnyStateMachine> = {};
    const changed = new Set<string>();
    const build = (key: string): AnyStateMachine => {
      const done = machines[key];
      if (done) return done;
      const definition = original.contexts[key]!;
      const actors: Record<string, AnyActorLogic> = {};
      for (const child of definition.dependsOn) {
        const machine = build(child);
        if (changed.has(child)) actors[child] = machine;
      }
      for (const [name, logic] of Object.entries(definition.spec.actors ?? {})) {
        const samples = serviceSamples(logic);
        if (samples) actors[name] = this.sampler.service(name, samples);
      }
      const machine = original.machines[key]!;
      if (Object.keys(actors).length === 0) return (machines[key] = machine);
      changed.add(key);
      return (machines[key] = machine.provide({ actors } as any) as AnyStateMachine);
    };
    for (const key of Object.keys(original.contexts)) build(key);
    if (changed.size === 0) {
      this.bot = original;
      return;
    }
    const provided = Object.fromEntries([...changed].map((key) => [key, machines[key]!]));
    this.bot = Object.freeze({ ...original, machines, process: original.process.provide({ actors: provided } as any) });
  }

  traced<T>(turn: () => Promise<T>, forced: readonly string[] = []): Promise<{ result: T; trace: TurnTrace }> {
    return this.sampler.traced(turn, forced);
  }
}
