import type { FastifyReply, FastifyRequest } from 'fastify';
import { openEventStream } from '../ops/event-stream';
import type { ChangeListener, ConversationChanges } from './conversation-changes';

/** The open Server-Sent Events streams of this instance, ended when it shuts down. */
export class StudioStreams {
  private readonly open_ = new Set<() => void>();

  constructor(private readonly changes: ConversationChanges) {}

  open(request: FastifyRequest, reply: FastifyReply, wanted: (change: Parameters<ChangeListener>[0]) => boolean): void {
    let unsubscribe: () => void = () => undefined;
    const events = openEventStream(request, reply, {}, () => {
      this.open_.delete(events.end);
      unsubscribe();
    });
    unsubscribe = this.changes.subscribe((change) => {
      if (!wanted(change)) return;
      const { kind, ...data } = change;
      events.write(kind, data);
    });
    this.open_.add(events.end);
  }

  get count(): number {
    return this.open_.size;
  }

  closeAll(): void {
    for (const end of [...this.open_]) end();
  }
}
