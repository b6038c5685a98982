/** The engine's only source of time: injectable so tests and replays are deterministic. */
export interface ClockPort {
  now(): Date;
}

export const systemClock: ClockPort = { now: () => new Date() };
