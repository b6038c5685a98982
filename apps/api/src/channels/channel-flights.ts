import type { TurnDone } from '../turns/turn.service';
import type { PassiveWindow } from './passive-window';

/** One inbound message's turn while it runs. */
export interface Flight {
  done: Promise<TurnDone>;
  window?: PassiveWindow;
  /** Set once a response went out without waiting for the turn (its failure is then only logged). */
  detached: boolean;
}

/**
 * The platform messages whose turns run on this instance, by conversation and message id. A redelivery that arrives
 * while the first delivery's turn still runs (WeChat retries after 5 s, Slack after 3 s) joins that turn instead of
 * running a second one; once written, the store's dedupe record answers redeliveries. Turns that went on after their
 * response (WeChat's window passed) are awaited by `drain` at shutdown.
 */
export class ChannelFlights {
  private readonly flights = new Map<string, Flight>();

  /** The running turn for this message, or `start()`'s, registered until it settles. */
  join(conversationId: string, messageId: string, start: () => Omit<Flight, 'detached'>): { flight: Flight; joined: boolean } {
    const key = `${conversationId}\n${messageId}`;
    const running = this.flights.get(key);
    if (running) return { flight: running, joined: true };
    const flight: Flight = { ...start(), detached: false };
    this.flights.set(key, flight);
    const forget = () => void this.flights.delete(key);
    flight.done.then(forget, forget);
    return { flight, joined: false };
  }

  get size(): number {
    return this.flights.size;
  }

  /** Wait for every running turn (shutdown: they write before the database closes). */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.flights.values()].map((f) => f.done));
  }
}
