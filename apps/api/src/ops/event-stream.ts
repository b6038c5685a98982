import type { FastifyReply, FastifyRequest } from 'fastify';

const HEARTBEAT_MS = 15_000;

/** An open Server-Sent Events response: `write` an event, `end` it (once; also when the client goes away). */
export interface EventStream {
  readonly write: (event: string, data: unknown) => void;
  readonly end: () => void;
}

/**
 * Take over the response as a Server-Sent Events stream (the Studio's live changes, the web chat's pages): the
 * headers that keep proxies from buffering it, a reconnect delay of 2 s, a first `ready` event with `ready`, and a
 * comment every 15 s so that idle connections are not cut. `onEnd` runs once, whoever ends the stream.
 */
export function openEventStream(request: FastifyRequest, reply: FastifyReply, ready: unknown, onEnd: () => void): EventStream {
  void reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  raw.write(`retry: 2000\n\nevent: ready\ndata: ${JSON.stringify(ready)}\n\n`);
  const heartbeat = setInterval(() => raw.write(': keep-alive\n\n'), HEARTBEAT_MS);
  heartbeat.unref();
  let open = true;
  const stream: EventStream = {
    write: (event, data) => {
      if (open) raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    end: () => {
      if (!open) return;
      open = false;
      clearInterval(heartbeat);
      onEnd();
      raw.end();
    },
  };
  request.raw.on('close', () => stream.end());
  return stream;
}
