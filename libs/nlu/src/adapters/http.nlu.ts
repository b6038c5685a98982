import { NluError } from '../nlu.error';
import { decideIntent, type IntentPolicyOptions } from '../intent.policy';
import type { Entity, NluPort, Understanding, UnderstandOptions } from '../nlu.types';

export interface HttpNluOptions extends IntentPolicyOptions {
  /** Base URL of a Rasa-compatible server; the adapter posts to `<url>/model/parse`. */
  url: string;
  /** Default 2000 ms. */
  timeoutMs?: number;
  headers?: Record<string, string>;
  /** Called with every failure (the turn itself just gets "not understood"). */
  onError?: (error: NluError) => void;
}

/** An Understanding that may carry the failure that made it "not understood". */
export interface HttpUnderstanding extends Understanding {
  error?: NluError;
}

interface RasaParse {
  intent?: { name?: unknown; confidence?: unknown } | null;
  entities?: unknown;
  intent_ranking?: unknown;
}

// Rasa answers `nlu_fallback` when its own fallback classifier is not confident.
const FALLBACK = new Set(['nlu_fallback', 'out_of_scope']);

function asRanking(body: RasaParse): { intent: string | null; confidence: number }[] {
  const list = Array.isArray(body.intent_ranking) ? (body.intent_ranking as unknown[]) : [body.intent];
  return list.flatMap((r) => {
    if (typeof r !== 'object' || r === null) return [];
    const { name, confidence } = r as { name?: unknown; confidence?: unknown };
    if (typeof name !== 'string' || typeof confidence !== 'number') return [];
    return [{ intent: FALLBACK.has(name) ? null : name, confidence }];
  });
}

function asEntities(raw: unknown): Entity[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((e: unknown): Entity[] => {
    if (typeof e !== 'object' || e === null) return [];
    const r = e as Record<string, unknown>;
    if (typeof r.entity !== 'string' || r.value === undefined || r.value === null) return [];
    const value = typeof r.value === 'string' || typeof r.value === 'number' ? r.value : JSON.stringify(r.value);
    const entity: Entity = { name: r.entity, value };
    if (typeof r.start === 'number') entity.start = r.start;
    if (typeof r.end === 'number') entity.end = r.end;
    if (typeof r.text === 'string') entity.text = r.text;
    return [entity];
  });
}

/**
 * An external NLU (Rasa or anything speaking its `POST /model/parse` protocol). It never rejects: a
 * timeout, an HTTP error or a malformed answer becomes `intent: null` with `error` set and `onError`
 * called, so the engine answers "not understood" and the server stays up.
 */
export class HttpNlu implements NluPort {
  private readonly endpoint: string;

  constructor(private readonly options: HttpNluOptions) {
    this.endpoint = `${options.url.replace(/\/+$/, '')}/model/parse`;
  }

  async understand(text: string, options: UnderstandOptions): Promise<HttpUnderstanding> {
    try {
      const body = await this.post(text, options.bot);
      const decision = decideIntent(asRanking(body), options.openIntents, this.options);
      return { ...decision, entities: asEntities(body.entities) };
    } catch (cause) {
      const error =
        cause instanceof NluError
          ? cause
          : new NluError('NLU_UNREACHABLE', `NLU server ${this.endpoint} failed: ${String(cause)}`, { bot: options.bot, url: this.endpoint }, { cause });
      this.options.onError?.(error);
      return { intent: null, confidence: 0, entities: [], alternatives: [], error };
    }
  }

  private async post(text: string, bot: string): Promise<RasaParse> {
    const timeoutMs = this.options.timeoutMs ?? 2000;
    const context = { bot, url: this.endpoint };
    let response: Response;
    let raw: string;
    try {
      response = await fetch(this.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...this.options.headers },
        body: JSON.stringify({ text }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      raw = await response.text(); // the timeout also bounds a body that never ends
    } catch (cause) {
      // Duck-typed: fetch's DOMException may come from another realm (e.g. under Jest).
      const name = typeof cause === 'object' && cause !== null ? (cause as { name?: unknown }).name : undefined;
      const timedOut = name === 'TimeoutError' || name === 'AbortError';
      throw timedOut
        ? new NluError('NLU_TIMEOUT', `NLU server ${this.endpoint} did not answer within ${timeoutMs} ms`, context, { cause })
        : new NluError('NLU_UNREACHABLE', `NLU server ${this.endpoint} is unreachable`, context, { cause });
    }
    if (!response.ok) {
      throw new NluError('NLU_HTTP_STATUS', `NLU server ${this.endpoint} answered ${response.status}`, { ...context, status: response.status });
    }
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch (cause) {
      throw new NluError('NLU_BAD_RESPONSE', `NLU server ${this.endpoint} sent malformed JSON`, context, { cause });
    }
    if (typeof body !== 'object' || body === null || !('intent' in body || 'intent_ranking' in body)) {
      throw new NluError('NLU_BAD_RESPONSE', `NLU server ${this.endpoint} sent no intent`, context);
    }
    return body as RasaParse;
  }
}
