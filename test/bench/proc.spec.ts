import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, connect, type AddressInfo } from 'node:net';
import {
  clockTicks,
  cpuDelta,
  cpuMsByPid,
  localPorts,
  parseNetTcp,
  parseProcStat,
  processName,
  processTree,
  rssBytes,
} from '../../scripts/bench/proc';

describe('reading CPU and ports from /proc', () => {
  it('parses a stat line whose command name holds spaces and parentheses', () => {
    const line =
      '4242 (postgres: a (b) c) S 17 4242 4242 0 -1 4194560 1234 0 0 0 250 31 0 0 20 0 1 0 99 225918976 3000';
    expect(parseProcStat(line)).toEqual({ pid: 4242, ppid: 17, cpuTicks: 281 });
    expect(() => parseProcStat('garbage')).toThrow(/Not a \/proc stat line/);
  });

  it('counts CPU between readings, a process that appeared in between from zero', () => {
    const before = new Map([
      [1, 100],
      [2, 50],
    ]);
    const after = new Map([
      [1, 130],
      [3, 7],
    ]);
    expect(cpuDelta(before, after)).toBe(37);
  });

  it('parses the local port and inode of each socket in /proc/net/tcp', () => {
    const text = [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 0100007F:1538 00000000:0000 0A 00000000:00000000 00:00000000 00000000   104        0 31337 1 0000000000000000 100 0 0 10 0',
      '   1: 0100007F:A1B2 0100007F:1538 01 00000000:00000000 00:00000000 00000000     0        0 4711 1 0000000000000000 20 4 30 10 -1',
    ].join('\n');
    expect(parseNetTcp(text)).toEqual(
      new Map([
        [31337, 5432],
        [4711, 0xa1b2],
      ]),
    );
  });

  it("reads this process's CPU time, which grows while it computes", () => {
    const before = cpuMsByPid([process.pid]);
    const until = Date.now() + 60;
    let x = 0;
    while (Date.now() < until) x += Math.sqrt(x + 1);
    expect(x).toBeGreaterThan(0);
    const after = cpuMsByPid([process.pid]);
    expect(before.get(process.pid)).toBeGreaterThan(0);
    expect(cpuDelta(before, after)).toBeGreaterThanOrEqual(1000 / clockTicks());
    expect(rssBytes(process.pid)).toBeGreaterThan(1024 * 1024);
    expect(processName(process.pid)).toMatch(/node|jest/);
    expect(processName(2 ** 22 + 1)).toBeUndefined();
  });

  it('finds the children of a process', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 10000)']);
    try {
      await once(child, 'spawn');
      expect(processTree(process.pid)).toEqual(expect.arrayContaining([process.pid, child.pid]));
      expect(processTree(child.pid!)).toEqual([child.pid]);
    } finally {
      child.kill();
    }
  });

  it("finds the local port of this process's TCP connections (how PostgreSQL's backends are matched)", async () => {
    const server = createServer((socket) => socket.end());
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
    try {
      await once(socket, 'connect');
      expect(localPorts(process.pid)).toContain(socket.localPort);
    } finally {
      socket.destroy();
      server.close();
    }
  });
});
