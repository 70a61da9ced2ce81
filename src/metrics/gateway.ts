import { Context } from '@temporalio/activity';
import { noopMetricMeter, type MetricMeter } from '@temporalio/common';
import { performance } from 'node:perf_hooks';
import type { PayoutGateway } from '../../activities/index.js';
import type { ReconcilingGateway } from '../../activities/reconcile.js';
import { ValidationError } from '../errors.js';
import { PAYOUT_METRICS } from '../../workflows/metrics.js';

/** Which gateway call: the create, a status query (pre-check or check), the order listing. */
export type GatewayOperation = 'create' | 'query' | 'list';

/** The meter of the activity running now (its tags: namespace, task queue, activity type). */
export function currentActivityMeter(): MetricMeter {
  try {
    return Context.current().metricMeter;
  } catch {
    // Outside an activity (a script, a test calling the client): nothing to report to.
    return noopMetricMeter;
  }
}

/**
 * Records one gateway call in `payout_gateway_call_seconds{operation, outcome}`: the outcome's
 * kind (`accepted`, `rejected`, `unknown` for a create; `found`, `not-found`, `mismatch`,
 * `bad-signature`, `unavailable` for a query; `page` and the same for a listing), or `error`
 * when the client threw. A request refused before sending (ValidationError) is not a call.
 */
export async function timeGatewayCall<T extends { readonly kind: string }>(
  meter: () => MetricMeter,
  operation: GatewayOperation,
  call: () => Promise<T>,
): Promise<T> {
  const started = performance.now();
  let outcome = 'error';
  try {
    const result = await call();
    outcome = result.kind;
    return result;
  } catch (error) {
    if (error instanceof ValidationError) outcome = '';
    throw error;
  } finally {
    try {
      if (outcome !== '') {
        meter()
          .createHistogram(
            PAYOUT_METRICS.gatewayCalls.name,
            'float',
            's',
            PAYOUT_METRICS.gatewayCalls.help,
          )
          .record((performance.now() - started) / 1000, { operation, outcome });
      }
    } catch {
      // A metric must never turn a known create outcome into an activity failure.
    }
  }
}

/**
 * The gateway with every create, query and listing timed and counted on the current activity's
 * meter (so on the worker's Prometheus endpoint). Everything else is the gateway's own.
 */
export function meteredGateway<
  G extends PayoutGateway & Partial<Pick<ReconcilingGateway, 'listPayouts'>>,
>(gateway: G, meter: () => MetricMeter = currentActivityMeter): G {
  const metered = Object.create(gateway) as G;
  const define = (name: string, value: unknown) =>
    Object.defineProperty(metered, name, { value, enumerable: true });
  define('submitPayout', (request: Parameters<G['submitPayout']>[0]) =>
    timeGatewayCall(meter, 'create', () => gateway.submitPayout(request)),
  );
  define('queryPayout', (input: Parameters<G['queryPayout']>[0]) =>
    timeGatewayCall(meter, 'query', () => gateway.queryPayout(input)),
  );
  const list = gateway.listPayouts;
  if (list !== undefined) {
    define('listPayouts', (input: Parameters<NonNullable<G['listPayouts']>>[0]) =>
      timeGatewayCall(meter, 'list', () => list.call(gateway, input)),
    );
  }
  return metered;
}
