import { Agent, request } from 'node:http';
import { nextMove } from './juice-customer';

/**
 * The HTTP load: N users, each sending its next message as soon as the reply to the last one arrived, through
 * node:http with keep-alive (a lean client: its CPU per turn is printed next to the server's, so a slow client cannot
 * pass for a slow server). Users keep their conversations across rounds.
 */

/** One load's measurements over one round. */
export interface RoundResult {
  ops: number;
  seconds: number;
  latencies: number[];
  /** Latencies of the first turn of a new user and conversation (the rest are in `latencies` too). */
  firstTurnLatencies: number[];
  /** Non-200 answers and transport errors. */
  errors: number;
  /** 200 answers that were not what the user's script expected. */
  unexpected: number;
  /** Juice orders paid during the round. */
  orders: number;
}

/** A round before anything happened. */
export function emptyRound(): RoundResult {
  return { ops: 0, seconds: 0, latencies: [], firstTurnLatencies: [], errors: 0, unexpected: 0, orders: 0 };
}

/** What one simulated user says next, given the replies to its last message. */
interface UserScript {
  readonly bot: string;
  userId: string;
  next(replies: readonly string[] | undefined): {
    text: string;
    unexpected: boolean;
    orderDone: boolean;
    firstTurn: boolean;
  };
}

export type ScenarioName = 'juice' | 'new-user' | 'service' | 'counter';

export const SCENARIOS: Record<ScenarioName, string> = {
  juice: 'the juice order (real NLU, transcript utterances), returning users: each user orders again and again',
  'new-user': 'the same order, a new user (and conversation) for every order',
  service: 'a turn that calls a service (the bench bot: «lookup» → an instant service → a reply)',
  counter: 'the counter bot: «add» updates context and user memory and replies (the engine’s own overhead)',
};

function scriptFor(scenario: ScenarioName, prefix: string): UserScript {
  switch (scenario) {
    case 'juice':
    case 'new-user': {
      let orders = 0;
      const user: UserScript = {
        bot: 'juice',
        userId: `${prefix}-0`,
        next(replies) {
          const move = nextMove(replies);
          const orderDone = move.kind === 'done' && replies !== undefined;
          if (orderDone) orders++;
          if (orderDone && scenario === 'new-user') user.userId = `${prefix}-${orders}`;
          const firstTurn = replies === undefined || (orderDone && scenario === 'new-user');
          return { text: move.text, unexpected: move.kind === 'unexpected', orderDone, firstTurn };
        },
      };
      return user;
    }
    case 'service':
      return fixed('bench', prefix, 'lookup', 'found');
    case 'counter':
      return fixed('bench', prefix, 'add', 'count=');
  }
}

function fixed(bot: string, userId: string, text: string, expected: string): UserScript {
  return {
    bot,
    userId,
    next: (replies) => ({
      text,
      unexpected: replies !== undefined && !replies.some((r) => r.includes(expected)),
      orderDone: false,
      firstTurn: replies === undefined,
    }),
  };
}

/** One user's turn over HTTP: the status and the replies' texts. */
export function postTurn(
  agent: Agent,
  url: string,
  body: { userId: string; messageId: string; text: string },
): Promise<{ status: number; replies: string[] }> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          let replies: string[] = [];
          if (res.statusCode === 200) {
            const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { replies?: { text?: string }[] };
            replies = (parsed.replies ?? []).map((r) => r.text ?? '');
          }
          resolve({ status: res.statusCode ?? 0, replies });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** A user reading and typing (the load generator's own pacing, not a wait for something to happen). */
function pause(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolvePause) => setTimeout(resolvePause, ms)) : Promise.resolve();
}

/** A scenario at a concurrency: its users, their conversations, and their HTTP connections. */
export class TurnLoad {
  readonly name: string;
  private readonly agent: Agent;
  private readonly users: {
    script: UserScript;
    replies: readonly string[] | undefined;
    orders: number;
    retry?: string;
  }[];
  private sent = 0;

  constructor(
    readonly scenario: ScenarioName,
    readonly concurrency: number,
    private readonly urls: readonly string[],
    run: string,
    name = `${scenario}@${concurrency}`,
    /** Each user's average pause between a reply and their next message (see `LoadSpec.thinkMs`); 0: none. */
    private readonly thinkMs = 0,
  ) {
    this.name = name;
    this.agent = new Agent({ keepAlive: true, maxSockets: concurrency });
    this.users = Array.from({ length: concurrency }, (_, i) => ({
      script: scriptFor(scenario, `${name}-${run}-${i}`),
      replies: undefined,
      orders: 0,
    }));
  }

  /**
   * Warm up for at least `ms` (JIT, connections, each user's first turns); returning users go on until each has
   * paid one order, so that the measured rounds see returning members.
   */
  async warmUp(ms: number): Promise<void> {
    await this.run(ms);
    const deadline = Date.now() + 120_000;
    if (this.scenario === 'juice') {
      while (this.users.some((u) => u.orders === 0) && Date.now() < deadline) await this.run(Math.max(200, ms / 4));
    }
  }

  /**
   * Run the load for `ms`: every user sends, waits for the reply (and, with a think time, pauses), sends again, until
   * the time is up.
   */
  async run(ms: number): Promise<RoundResult> {
    const result = emptyRound();
    const started = performance.now();
    const until = started + ms;
    await Promise.all(
      this.users.map(async (user, i) => {
        const url = `${this.urls[i % this.urls.length]!}/channels/rest/`;
        // Users who pause do not all press enter at the same instant when a round starts: each starts somewhere within
        // one pause (a burst of every user at once would queue and show as the round's tail latency).
        if (this.thinkMs > 0) await pause(Math.min(Math.random() * this.thinkMs, until - performance.now()));
        while (performance.now() < until) {
          // After an error the user says the same again (a person would).
          const move =
            user.retry !== undefined
              ? { text: user.retry, unexpected: false, orderDone: false, firstTurn: false }
              : user.script.next(user.replies);
          if (move.unexpected) result.unexpected++;
          if (move.orderDone) {
            user.orders++;
            result.orders++;
          }
          user.retry = move.text;
          const t0 = performance.now();
          try {
            const { status, replies } = await postTurn(this.agent, url + user.script.bot, {
              userId: user.script.userId,
              messageId: `m${this.sent++}`,
              text: move.text,
            });
            const ms = performance.now() - t0;
            result.latencies.push(ms);
            if (move.firstTurn) result.firstTurnLatencies.push(ms);
            result.ops++;
            if (status !== 200) result.errors++;
            else {
              user.replies = replies;
              user.retry = undefined;
            }
          } catch {
            result.errors++;
          }
          if (this.thinkMs > 0) await pause(Math.min(this.thinkMs * (0.5 + Math.random()), until - performance.now()));
        }
      }),
    );
    result.seconds = (performance.now() - started) / 1000;
    return result;
  }

  close(): void {
    this.agent.destroy();
  }
}
