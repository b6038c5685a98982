import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/**
 * CPU time and TCP ports of processes, read from Linux's /proc: what the benchmarks charge to the server process
 * and to the PostgreSQL backends serving it. Parsing is pure (and unit-tested); reading returns undefined where
 * /proc cannot be read (another OS, a process that exited, a database on another machine).
 */

export interface ProcStat {
  pid: number;
  ppid: number;
  /** User + system CPU time, in clock ticks. */
  cpuTicks: number;
}

/**
 * Parse a /proc/<pid>/stat line. The command name (field 2) is in parentheses and may itself contain spaces and
 * parentheses, so the fields are counted from the last ')'.
 */
export function parseProcStat(line: string): ProcStat {
  const close = line.lastIndexOf(')');
  if (close < 0) throw new Error(`Not a /proc stat line: ${line.slice(0, 80)}`);
  const pid = Number(line.slice(0, line.indexOf('(')).trim());
  // After ')': state(3) ppid(4) … utime(14) stime(15): indexes 0, 1, … 11, 12 of the rest.
  const rest = line.slice(close + 2).split(' ');
  const ppid = Number(rest[1]);
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  if (![pid, ppid, utime, stime].every(Number.isFinite)) throw new Error(`Not a /proc stat line: ${line.slice(0, 80)}`);
  return { pid, ppid, cpuTicks: utime + stime };
}

let ticksPerSecond: number | undefined;

/** The kernel's clock ticks per second (`getconf CLK_TCK`, 100 almost everywhere). */
export function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

function readStat(pid: number): ProcStat | undefined {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** `pid` and every process below it (a server's cluster workers), from one scan of /proc. */
export function processTree(pid: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return [pid];
  }
  const children = new Map<number, number[]>();
  for (const name of entries) {
    const stat = readStat(Number(name));
    if (stat) children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), stat.pid]);
  }
  const tree: number[] = [];
  const walk = (p: number) => {
    tree.push(p);
    for (const child of children.get(p) ?? []) walk(child);
  };
  walk(pid);
  return tree;
}

/** CPU milliseconds used so far by each of `pids` that can be read. */
export function cpuMsByPid(pids: readonly number[]): Map<number, number> {
  const ms = new Map<number, number>();
  const perTick = 1000 / clockTicks();
  for (const pid of pids) {
    const stat = readStat(pid);
    if (stat) ms.set(pid, stat.cpuTicks * perTick);
  }
  return ms;
}

/**
 * CPU used between two readings: for each process in `after`, its time minus its time in `before` (a process that
 * appeared in between counts from 0: it started during the interval). Processes that exited in between are lost;
 * that is why readings are taken around short rounds.
 */
export function cpuDelta(before: ReadonlyMap<number, number>, after: ReadonlyMap<number, number>): number {
  let total = 0;
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
  return total;
}

/**
 * Parse /proc/net/tcp (or tcp6): the local port of each socket inode. Lines look like
 * `  0: 0100007F:A1B2 0100007F:1538 01 … 0 0 12345 …` (local address:port in hex, then the inode in field 10).
 */
export function parseNetTcp(text: string): Map<number, number> {
  const ports = new Map<number, number>();
  for (const line of text.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 10) continue;
    const port = parseInt(fields[1]!.split(':')[1] ?? '', 16);
    const inode = Number(fields[9]);
    if (Number.isFinite(port) && inode > 0) ports.set(inode, port);
  }
  return ports;
}

/** The local TCP ports of the sockets `pid` has open (its database connections among them). */
export function localPorts(pid: number): Set<number> {
  const ports = new Set<number>();
  let inodes: number[];
  try {
    inodes = readdirSync(`/proc/${pid}/fd`).flatMap((fd) => {
      try {
        const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        return match ? [Number(match[1])] : [];
      } catch {
        return [];
      }
    });
  } catch {
    return ports;
  }
  const byInode = new Map<number, number>();
  for (const file of ['tcp', 'tcp6']) {
    try {
      for (const [inode, port] of parseNetTcp(readFileSync(`/proc/${pid}/net/${file}`, 'utf8')))
        byInode.set(inode, port);
    } catch {
      // no IPv6, or /proc/net unreadable
    }
  }
  for (const inode of inodes) {
    const port = byInode.get(inode);
    if (port !== undefined) ports.add(port);
  }
  return ports;
}

/** A process's command name (/proc/<pid>/comm, e.g. `postgres`), undefined when there is no such process here. */
export function processName(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Resident set size of a process in bytes (VmRSS in /proc/<pid>/status), undefined when unreadable. */
export function rssBytes(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}
