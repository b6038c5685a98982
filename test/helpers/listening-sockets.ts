import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** What a process listens on (Linux /proc): TCP ports and Unix socket paths. */
export function listeningSockets(pid: number): { tcpPorts: number[]; unixPaths: string[] } {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match) inodes.add(match[1]!);
    } catch {
      // closed meanwhile
    }
  }
  const tcpPorts: number[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      // local_address is field 1 (hex ip:port), st field 3 (0A = LISTEN), inode field 9
      if (fields[3] === '0A' && inodes.has(fields[9]!)) tcpPorts.push(parseInt(fields[1]!.split(':')[1]!, 16));
    }
  }
  const unixPaths: string[] = [];
  for (const line of readFileSync('/proc/net/unix', 'utf8').split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    // Flags 00010000 = accepting connections; inode field 6, path field 7
    if (fields[3] === '00010000' && inodes.has(fields[6]!) && fields[7]) unixPaths.push(fields[7]);
  }
  return { tcpPorts, unixPaths };
}
