import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ChangeListener, ConversationChanges } from './conversation-changes';

const HEARTBEAT_MS = 15_000;

/** The open Server-Sent Events streams of this instance, ended when it shuts down. */
export class StudioStreams {
  private readonly open_ = new Set<() => void>();

  constructor(private readonly changes: ConversationChanges) {}

  open(request: FastifyRequest, reply: FastifyReply, wanted: (change: Parameters<ChangeListener>[0]) => boolean): void {
    void reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    raw.write('retry: 2000\n\nevent: ready\ndata: {}\n\n');
    const unsubscribe = this.changes.subscribe((change) => {
      if (!wanted(change)) return;
      const { kind, ...data } = change;
      raw.write(`event: ${kind}\ndata: ${JSON.stringify(data)}\n\n`);
    });
    const heartbeat = setInterval(() => raw.write(': keep-alive\n\n'), HEARTBEAT_MS);
    heartbeat.unref();
    const end = () => {
      if (!this.open_.delete(end)) return;
      clearInterval(heartbeat);
      unsubscribe();
      raw.end();
    };
    this.open_.add(end);
    request.raw.on('close', end);
  }

  get count(): number {
    return this.open_.size;
  }

  closeAll(): void {
    for (const end of [...this.open_]) end();
  }
}
