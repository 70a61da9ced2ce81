import type { MetricsExporterConfig } from '@temporalio/worker';
import { PAYOUT_METRICS } from '../../workflows/metrics.js';

/**
 * The worker's Prometheus endpoint (`GET /metrics` on `bindAddress`): the Temporal SDK's own
 * metrics (`temporal_*`: workflow and activity tasks, completions, failures, poll and schedule
 * latencies) and the payout metrics of {@link PAYOUT_METRICS}, which the workflows and
 * activities record on the SDK's meter. Durations are in seconds, the SDK's too.
 */
export function prometheusMetrics(bindAddress: string): MetricsExporterConfig {
  return {
    metricPrefix: 'temporal_',
    prometheus: {
      bindAddress,
      // The SDK's counters keep the names Temporal documents (temporal_workflow_completed).
      countersTotalSuffix: false,
      useSecondsForDurations: true,
      histogramBucketOverrides: {
        [PAYOUT_METRICS.timeToFinal.name]: [...PAYOUT_METRICS.timeToFinal.buckets],
        [PAYOUT_METRICS.gatewayCalls.name]: [...PAYOUT_METRICS.gatewayCalls.buckets],
      },
    },
  };
}
