import { availableParallelism, cpus, loadavg } from 'node:os';

/** Where a benchmark ran: printed above its results and kept in its --json output (docs/performance.md). */
export interface MachineInfo {
  date: string;
  cores: number;
  cpu: string;
  node: string;
  postgres?: string;
  /** 1-minute load average when the run started: a busy machine shows here. */
  load1: number;
}

export function machineInfo(postgres?: string): MachineInfo {
  return {
    date: new Date().toISOString(),
    cores: availableParallelism(),
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    node: process.version,
    postgres,
    load1: Math.round(loadavg()[0]! * 100) / 100,
  };
}

export function describeMachine(m: MachineInfo): string {
  return `${m.date.slice(0, 16).replace('T', ' ')} UTC · ${m.cores} cores (${m.cpu}) · Node ${m.node}${
    m.postgres ? ` · PostgreSQL ${m.postgres}` : ''
  } · load average ${m.load1}`;
}
