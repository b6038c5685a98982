import type { LoggerService } from '@nestjs/common';
import type { LogLevel } from '../config/app.config';

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

/** Structured logs: one JSON object per line on stdout (`level`, `time`, `msg`, then fields such as `conversationId`). */
export class JsonLogger implements LoggerService {
  constructor(
    private readonly level: LogLevel = 'info',
    private readonly write: (line: string) => void = (line) => process.stdout.write(line),
  ) {}

  enabled(level: Exclude<LogLevel, 'silent'>): boolean {
    return RANK[level] >= RANK[this.level];
  }

  debug(msg: unknown, ...rest: unknown[]): void {
    this.emit('debug', msg, rest);
  }
  info(msg: string, fields: Record<string, unknown> = {}): void {
    this.emit('info', msg, [fields]);
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

  private emit(level: Exclude<LogLevel, 'silent'>, msg: unknown, rest: unknown[]): void {
    if (!this.enabled(level)) return;
    const entry: Record<string, unknown> = { level, time: new Date().toISOString() };
    if (msg instanceof Error) Object.assign(entry, { msg: msg.message, err: describeError(msg) });
    else entry.msg = typeof msg === 'string' ? msg : JSON.stringify(msg);
    for (const extra of rest) {
      if (extra instanceof Error) entry.err = describeError(extra);
      else if (extra && typeof extra === 'object') Object.assign(entry, extra);
      else if (typeof extra === 'string') entry.context = extra; // Nest passes the logger context as a string
    }
    this.write(`${JSON.stringify(entry)}\n`);
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
