import type { IntentScore } from './nlu.types';

export interface IntentPolicyOptions {
  /** Below this (after the open-intent bonus) the utterance is "not understood". Default 0.45. */
  threshold?: number;
  /** Added to an open intent's score when ranking and thresholding. Default 0.15. */
  openBonus?: number;
  /** How many alternatives to return. Default 5. */
  maxAlternatives?: number;
}

export interface IntentDecision {
  intent: string | null;
  confidence: number;
  alternatives: IntentScore[];
}

export const DEFAULT_THRESHOLD = 0.45;
export const DEFAULT_OPEN_BONUS = 0.15;

/** `order.*` matches `order.juice`; `*` matches everything. */
export function isOpen(intent: string, openIntents: readonly string[]): boolean {
  return openIntents.some((p) => p === intent || p === '*' || (p.endsWith('.*') && intent.startsWith(p.slice(0, -1))));
}

/**
 * The semi-open-domain rule, shared by every NLU: an intent open at the focused stage wins over a
 * closed one when they are close (within `openBonus`), and nothing under `threshold` is guessed.
 * `ranking` holds every class the model scored; `null` is its out-of-scope ("none") class.
 */
export function decideIntent(
  ranking: readonly { intent: string | null; confidence: number }[],
  openIntents: readonly string[],
  options: IntentPolicyOptions = {},
): IntentDecision {
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;
  const bonus = openIntents.length > 0 ? (options.openBonus ?? DEFAULT_OPEN_BONUS) : 0;
  const effective = (s: { intent: string | null; confidence: number }): number =>
    s.confidence + (s.intent !== null && isOpen(s.intent, openIntents) ? bonus : 0);
  const sorted = [...ranking].sort((a, b) => effective(b) - effective(a) || b.confidence - a.confidence);
  const best = sorted[0];
  const accepted = best !== undefined && best.intent !== null && effective(best) >= threshold;
  // When nothing is accepted, the rejected best guess stays visible among the alternatives.
  const alternatives = sorted
    .filter((s): s is IntentScore => s.intent !== null && (!accepted || s !== best))
    .slice(0, options.maxAlternatives ?? 5)
    .map((s) => ({ intent: s.intent, confidence: s.confidence }));
  if (!accepted) return { intent: null, confidence: best?.confidence ?? 0, alternatives };
  return { intent: best.intent, confidence: best.confidence, alternatives };
}
