import type { LoggerService } from '@nestjs/common';
import pino, { type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from '../config/app.config';

/**
 * Structured logs through pino (Fastify's logger): one JSON object per line on stdout — `level` (a name), `time`
 * (ISO 8601), `msg`, then fields such as `conversationId`. It is also Nest's logger (`log`, `verbose` = debug).
 * Lines go to stdout synchronously, as `process.stdout` writes to files and pipes on Linux: nothing is lost when the
 * process dies, and it costs less CPU than pino's asynchronous writer (docs/server.md#logs-and-metrics). `write`
 * receives each line instead (tests).
 */
export class JsonLogger implements LoggerService {
  private readonly pino: Logger;

  /** `base`: fields on every line (a worker of `npm start` adds `worker`: its number). */
  constructor(level: LogLevel = 'info', write?: (line: string) => void, base?: Record<string, unknown>) {
    const destination: DestinationStream | undefined = write ? { write } : undefined;
    this.pino = pino(
      {
        level,
        base: base ?? undefined, // no pid and hostname on every line: the platform adds where the process runs
        timestamp: pino.stdTimeFunctions.isoTime,
        formatters: { level: (label) => ({ level: label }) },
        // `err` fields come from describeError (code, context, the cause chain as nested objects): kept as they are.
        serializers: { err: (err: unknown) => err },
      },
      destination ?? pino.destination({ dest: 1, sync: true }),
    );
  }

  enabled(level: Exclude<LogLevel, 'silent'>): boolean {
    return this.pino.isLevelEnabled(level);
  }

  debug(msg: unknown, ...rest: unknown[]): void {
    this.emit('debug', msg, rest);
  }
  info(msg: string, fields: Record<string, unknown> = {}): void {
    if (this.pino.isLevelEnabled('info')) this.pino.info(fields, msg);
  }
  warn(msg: unknown, ...rest: unknown[]): void {
    this.emit('warn', msg, rest);
  }
  error(msg: unknown, ...rest: unknown[]): void {
    this.emit('error', msg, rest);
  }
  /** Nest's `log` (module and route registration chatter) = debug. */
  log(msg: unknown, ...rest: unknown[]): void {
    this.emit('debug', msg, rest);
  }
  verbose(msg: unknown, ...rest: unknown[]): void {
    this.emit('debug', msg, rest);
  }
  fatal(msg: unknown, ...rest: unknown[]): void {
    this.emit('error', msg, rest);
  }

  /** Nest's calling convention (message, then fields, an error, or its context name) → one pino line. */
  private emit(level: 'debug' | 'warn' | 'error', msg: unknown, rest: unknown[]): void {
    if (!this.pino.isLevelEnabled(level)) return;
    const fields: Record<string, unknown> = {};
    let text: string;
    if (msg instanceof Error) {
      text = msg.message;
      fields.err = describeError(msg);
    } else text = typeof msg === 'string' ? msg : JSON.stringify(msg);
    for (const extra of rest) {
      if (extra instanceof Error) fields.err = describeError(extra);
      else if (extra && typeof extra === 'object') Object.assign(fields, extra);
      else if (typeof extra === 'string') fields.context = extra; // Nest passes the logger context as a string
    }
    this.pino[level](fields, text);
  }
}

export function describeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error) };
  const described: Record<string, unknown> = { name: error.name, message: error.message, stack: error.stack };
  const code = (error as { code?: unknown }).code;
  if (code !== undefined) described.code = code;
  const context = (error as { context?: unknown }).context;
  if (context !== undefined) described.context = context;
  if (error.cause !== undefined) described.cause = describeError(error.cause);
  return described;
}
