import { chmodSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';

/** The part of PGlite the server drives (PGlite 0.5). */
export interface PgliteLike {
  execProtocolRawStream(message: Uint8Array, options: { onRawData: (data: Uint8Array) => void }): Promise<void>;
  runExclusive<T>(fn: () => Promise<T>): Promise<T>;
  isInTransaction(): boolean;
  exec(sql: string): Promise<unknown>;
}

export interface PgliteServerOptions {
  host?: string;
  port?: number;
  /** Listen on a Unix socket in this directory instead of TCP. */
  socketDir?: string;
  maxConnections?: number;
  /**
   * A connection inside a transaction that sends nothing for this long is closed and its transaction rolled back:
   * PGlite runs one transaction at a time, so a client that stops mid-transaction would stall every other one.
   */
  idleInTransactionMs?: number;
}

/** The "port" in the name of the Unix socket (`pg` derives the file name from it). */
const SOCKET_PORT = 5432;
const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
const SYNC = Uint8Array.from([0x53, 0, 0, 0, 4]);

/**
 * A PostgreSQL wire-protocol server in front of one PGlite (one session), for the ordinary `pg` driver.
 *
 * Why not `@electric-sql/pglite-socket`'s server: it queues each protocol message on its own, so outside a
 * transaction the Parse/Bind/Execute/Sync messages of two connections interleave ("bind message supplies 1
 * parameters, but prepared statement requires 2"). Here a connection owns the database from its first message until
 * PGlite answers ReadyForQuery *idle*: a whole extended-protocol batch, or a whole transaction, runs alone.
 * A connection that drops while it owns the database has its batch synced and its transaction rolled back.
 */
export class PgliteServer {
  private server?: Server;
  private owner: Connection | undefined;
  private readonly waiting: (() => void)[] = [];
  private readonly connections = new Set<Connection>();

  constructor(
    private readonly db: PgliteLike,
    readonly options: PgliteServerOptions = {},
  ) {}

  /**
   * Listen on loopback TCP, or (with `socketDir`) on the Unix socket `<socketDir>/.s.PGSQL.5432` that only this
   * process's user can open (the socket is 0600; make the directory 0700). `host` is then the directory, as `pg`
   * expects for a Unix socket.
   */
  async start(): Promise<{ host: string; port: number }> {
    const server = createServer((socket) => this.accept(socket));
    server.maxConnections = this.options.maxConnections ?? 100;
    this.server = server;
    const { socketDir } = this.options;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      if (socketDir) server.listen(join(socketDir, `.s.PGSQL.${SOCKET_PORT}`), () => resolve());
      else server.listen(this.options.port ?? 0, this.options.host ?? '127.0.0.1', () => resolve());
    });
    if (socketDir) {
      chmodSync(join(socketDir, `.s.PGSQL.${SOCKET_PORT}`), 0o600);
      return { host: socketDir, port: SOCKET_PORT };
    }
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error('PGlite server has no TCP address');
    return { host: address.address, port: address.port };
  }

  async stop(): Promise<void> {
    for (const connection of this.connections) connection.socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Wait until `connection` owns the database (FIFO). */
  acquire(connection: Connection): Promise<void> {
    if (this.owner === connection) return Promise.resolve();
    if (!this.owner) {
      this.owner = connection;
      return Promise.resolve();
    }
    return new Promise((resolve) =>
      this.waiting.push(() => {
        this.owner = connection;
        resolve();
      }),
    );
  }

  release(connection: Connection): void {
    if (this.owner !== connection) return;
    this.owner = undefined;
    this.waiting.shift()?.();
  }

  /** Run one protocol message; true when PGlite is back to ReadyForQuery idle (the batch or transaction is over). */
  async run(message: Uint8Array, onData: (data: Uint8Array) => void): Promise<boolean> {
    let tail = new Uint8Array(0);
    await this.db.runExclusive(() =>
      this.db.execProtocolRawStream(message, {
        onRawData: (data) => {
          onData(data);
          tail = data.length >= 6 ? data.slice(-6) : concat(tail, data).slice(-6);
        },
      }),
    );
    // ReadyForQuery = 'Z', int32 5, status ('I' idle, 'T' in transaction, 'E' failed transaction)
    return tail.length === 6 && tail[0] === 0x5a && tail[4] === 5 && tail[5] === 0x49;
  }

  /** The owner vanished mid-batch or mid-transaction: leave the session clean for the next connection. */
  async abandon(connection: Connection): Promise<void> {
    if (this.owner !== connection) return;
    try {
      await this.run(SYNC, () => undefined);
      // Not inside runExclusive: exec() takes PGlite's own lock.
      if (this.db.isInTransaction()) await this.db.exec('ROLLBACK');
    } finally {
      this.release(connection);
    }
  }

  private accept(socket: Socket): void {
    socket.setNoDelay(true);
    const connection = new Connection(this, socket);
    this.connections.add(connection);
    socket.once('close', () => {
      this.connections.delete(connection);
      void connection.closed();
    });
  }
}

class Connection {
  private buffer = Buffer.alloc(0);
  private started = false;
  private chain: Promise<void> = Promise.resolve();
  private open = true;
  private idle?: NodeJS.Timeout;

  constructor(
    private readonly server: PgliteServer,
    readonly socket: Socket,
  ) {
    socket.on('data', (chunk: Buffer) => {
      clearTimeout(this.idle);
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.chain = this.chain.then(() => this.drain()).catch(() => void socket.destroy());
    });
    socket.on('error', () => socket.destroy());
  }

  async closed(): Promise<void> {
    this.open = false;
    clearTimeout(this.idle);
    await this.chain.catch(() => undefined);
    await this.server.abandon(this);
  }

  private async drain(): Promise<void> {
    for (;;) {
      const message = this.next();
      if (!message) return;
      if (!this.open) return;
      if (message === 'refuse') {
        this.socket.write('N'); // no SSL / GSS encryption on loopback
        continue;
      }
      if (message === 'cancel') {
        this.socket.destroy();
        return;
      }
      if (message[0] === 0x58) {
        // Terminate: the client is leaving.
        this.socket.end();
        return;
      }
      await this.server.acquire(this);
      const idle = await this.server.run(message, (data) => {
        if (this.socket.writable) this.socket.write(data);
      });
      if (idle) this.server.release(this);
      else this.closeIfIdle();
    }
  }

  /** Inside a transaction (this connection owns the database): close the connection if it then says nothing. */
  private closeIfIdle(): void {
    const ms = this.server.options.idleInTransactionMs;
    if (!ms) return;
    clearTimeout(this.idle);
    this.idle = setTimeout(() => this.socket.destroy(), ms);
    this.idle.unref();
  }

  private next(): Uint8Array | 'refuse' | 'cancel' | undefined {
    if (!this.started) {
      if (this.buffer.length < 8) return undefined;
      const length = this.buffer.readInt32BE(0);
      const code = this.buffer.readInt32BE(4);
      if (this.buffer.length < length) return undefined;
      const message = this.take(length);
      if (code === SSL_REQUEST || code === GSSENC_REQUEST) return 'refuse';
      if (code === CANCEL_REQUEST) return 'cancel';
      this.started = true;
      return message;
    }
    if (this.buffer.length < 5) return undefined;
    const length = 1 + this.buffer.readInt32BE(1);
    if (this.buffer.length < length) return undefined;
    return this.take(length);
  }

  private take(length: number): Uint8Array {
    const message = new Uint8Array(this.buffer.subarray(0, length));
    this.buffer = this.buffer.subarray(length);
    return message;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
