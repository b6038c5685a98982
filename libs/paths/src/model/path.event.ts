import type { Json } from '@parley/dialogue-core';

/**
 * An edge label of the path graph: the user says a corpus example, or an external event arrives. `services` names
 * the samples that answer the turn's service calls, in call order, when they are not each service's first sample.
 */
export type PathEvent =
  | {
      type: 'say';
      text: string;
      /** The corpus intent the example belongs to (null: a `none:` example, or the not-understood fallback). */
      intent: string | null;
      services?: string[];
    }
  | { type: 'event'; event: string; payload: Record<string, Json>; services?: string[] };

const keys = new WeakMap<PathEvent, string>();

/** The event's identity in the graph (its JSON), computed once per event object. */
export function eventKey(event: PathEvent): string {
  let key = keys.get(event);
  if (key === undefined) keys.set(event, (key = JSON.stringify(event)));
  return key;
}

/** `«苹果»`, `[payment.confirmed {"amount":15}]` */
export function describeEvent(event: PathEvent): string {
  const services = event.services?.length ? ` {${event.services.join(', ')}}` : '';
  if (event.type === 'say') return `«${event.text}»${services}`;
  const payload = Object.keys(event.payload).length ? ` ${JSON.stringify(event.payload)}` : '';
  return `[${event.event}${payload}]${services}`;
}
