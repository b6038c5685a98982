import { BrainAnswerError, brainServiceKey, type BrainRequest, type Services } from '@parley/dialogue-core';
import type { BrainEndpoint } from '../config/app.config';

/**
 * The HTTP side of external brains (docs/brains.md): one service `brain.<name>` per configured brain, which POSTs the
 * engine's `BrainRequest` as JSON and returns the parsed body (the engine checks its shape). A brain that does not
 * answer within its `timeoutMs`, cannot be reached, answers an HTTP error or a body that is not JSON throws, which
 * the turn turns into a failure escape at the delegating context and a logged problem.
 */
export function brainServices(brains: Readonly<Record<string, BrainEndpoint>>): Services {
  const services: Services = {};
  for (const [name, endpoint] of Object.entries(brains)) {
    services[brainServiceKey(name)] = (request: BrainRequest) => askBrain(name, endpoint, request);
  }
  return services;
}

async function askBrain(name: string, { url, timeoutMs }: BrainEndpoint, request: BrainRequest): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(request),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'TimeoutError') {
      throw new Error(`Brain '${name}' did not answer within ${timeoutMs} ms (its timeoutMs in BRAINS).`, { cause: error });
    }
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new Error(`Brain '${name}' at ${url} could not be reached: ${cause?.code ?? cause?.message ?? String(error)}.`, {
      cause: error,
    });
  }
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
    const message = timedOut
      ? `Brain '${name}' did not answer within ${timeoutMs} ms (its timeoutMs in BRAINS).`
      : `Brain '${name}' broke off its answer.`;
    throw new Error(message, { cause: error });
  }
  if (!response.ok) throw new Error(`Brain '${name}' answered HTTP ${response.status}: ${text.slice(0, 200)}`);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new BrainAnswerError(name, '(body)', `the body is not JSON (${JSON.stringify(text.slice(0, 60))})`);
  }
}
