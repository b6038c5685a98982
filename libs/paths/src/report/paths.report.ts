/** covered / total */
export interface Figure {
  covered: number;
  total: number;
}

/** The kinds of model-check findings. Each one names a context and a stage and says how to fix it. */
export type FindingKind =
  | 'dead-end'
  | 'unreachable'
  | 'no-way-out'
  | 'no-example'
  | 'missing-prompt'
  | 'misrouted'
  | 'silence'
  | 'loop'
  | 'crash'
  | 'engine';

export interface Finding {
  kind: FindingKind;
  context: string;
  stage: string;
  message: string;
}

/**
 * Why an item is not covered: no conversation can get there (`unreachable`); its stage was reached but no event tried
 * made it happen — a guard on data or entities (`needs data`); the intent it handles has no corpus example
 * (`no example`); or the exploration stopped at a bound before it (`bounded out`).
 */
export type UncoveredReason = 'unreachable' | 'needs data' | 'no example' | 'bounded out';

/** A stage, transition or escape handler no generated path covers, and why. */
export interface Uncovered {
  kind: 'stage' | 'transition' | 'escape';
  context: string;
  /** Dotted stage path ('' for the context's own transitions). */
  stage: string;
  /** For transitions and escapes: the event (`intent.deny`, `always`, `escape.cancel` …), to find it in a diagram. */
  event?: string;
  /** Readable: the stage id, or the transition's label. */
  item: string;
  reason: UncoveredReason;
}

export interface ContextCoverage {
  context: string;
  stages: Figure;
  transitions: Figure;
  escapes: Figure;
}

/** What `npm run paths -- <bot> --json` prints: one object. */
export interface PathsReport {
  bot: string;
  /** Number of generated paths. */
  paths: number;
  stages: Figure;
  transitions: Figure;
  escapes: Figure;
  findings: Finding[];
  contexts: ContextCoverage[];
  uncovered: Uncovered[];
  /** The explored graph and its bounds. */
  graph: {
    states: number;
    edges: number;
    turns: number;
    ms: number;
    /** States reached but not explored further, per bound. */
    boundedOut: { depth: number; stacked: number; states: number };
  };
}
