import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry } from 'prom-client';
import type { Metrics } from '../ops/metrics';

/** A worker asks the primary for every worker's metrics, summed; the primary answers with the page. */
interface MetricsRequest {
  type: 'parley.metrics.request';
  id: number;
}
interface MetricsAnswer {
  type: 'parley.metrics.answer';
  id: number;
  text?: string;
  error?: string;
}

/**
 * `GET /metrics` under several workers: whichever worker takes the scrape answers for all of them, so Prometheus sees
 * one instance whose counters only grow (a worker's own counters, scraped by turns, would jump between workers).
 * The worker asks the primary, which collects every worker's registry through prom-client's cluster support
 * (`AggregatorRegistry`: counters and histograms summed) and sends back the page.
 */
export function shareMetrics(metrics: Metrics): void {
  const worker = cluster.worker;
  if (!worker) return;
  // Constructing it installs prom-client's listener that answers the primary with this worker's registries.
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([metrics.registry]);
  let next = 0;
  const waiting = new Map<number, { resolve(text: string): void; reject(error: Error): void }>();
  worker.on('message', (message: unknown) => {
    if (!isAnswer(message)) return;
    const pending = waiting.get(message.id);
    if (!pending) return;
    waiting.delete(message.id);
    if (message.text !== undefined) pending.resolve(message.text);
    else pending.reject(new Error(`metrics of the other workers: ${message.error ?? 'no answer'}`));
  });
  metrics.source = () =>
    new Promise<string>((resolve, reject) => {
      const id = ++next;
      waiting.set(id, { resolve, reject });
      worker.send({ type: 'parley.metrics.request', id } satisfies MetricsRequest);
    });
}

/** In the primary: answer workers' requests for the summed metrics. */
export function serveMetrics(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker: Worker, message: unknown) => {
    if (!isRequest(message)) return;
    aggregator.clusterMetrics().then(
      (text) => worker.isConnected() && worker.send({ type: 'parley.metrics.answer', id: message.id, text } satisfies MetricsAnswer),
      (error: unknown) =>
        worker.isConnected() && worker.send({ type: 'parley.metrics.answer', id: message.id, error: String(error) } satisfies MetricsAnswer),
    );
  });
}

function isRequest(message: unknown): message is MetricsRequest {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'parley.metrics.request';
}

function isAnswer(message: unknown): message is MetricsAnswer {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'parley.metrics.answer';
}
