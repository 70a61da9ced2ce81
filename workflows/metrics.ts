import { metricMeter } from '@temporalio/workflow';
import type { DisputeReason } from './dispute.js';
import type { PayoutState } from './state.js';

/**
 * The payout metrics: names, help texts and histogram buckets, in one table that the workflows,
 * the activities and the worker's Prometheus exporter all read. Every label is a closed
 * vocabulary (a status, a reason, an outcome, an operation): never an order id, a name or an
 * account. Counter names end in `_total`, as Prometheus names counters.
 */
export const PAYOUT_METRICS = {
  finals: {
    name: 'payout_finals_total',
    help: 'Payouts that reached a final state, by status (SUCCEEDED, FAILED, REJECTED)',
  },
  timeToFinal: {
    name: 'payout_time_to_final_seconds',
    help: 'Seconds from the payout workflow start to its final state, by status',
    buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21_600, 86_400, 259_200],
  },
  escalations: {
    name: 'payout_escalations_total',
    help: 'Escalations recorded (the first and every later reason), by reason',
  },
  gatewayCalls: {
    name: 'payout_gateway_call_seconds',
    help: 'Gateway calls by operation (create, query, list) and outcome, and how long each took',
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  },
  disputesOpened: {
    name: 'payout_disputes_opened_total',
    help: 'Disputes opened (verified news contradicting a final payout or our records), by reason',
  },
} as const;

/**
 * Counts what changed between two states of a payout: a final state reached (with the time it
 * took since the first run started), each new escalation. Replay-safe: the SDK drops workflow
 * metrics while the workflow replays, so a transition counts when it first happens.
 */
export function observePayout(before: PayoutState, after: PayoutState, now: number): void {
  if (before.result === null && after.result !== null) {
    const status = after.result.status;
    metricMeter
      .createCounter(PAYOUT_METRICS.finals.name, undefined, PAYOUT_METRICS.finals.help)
      .add(1, { status });
    metricMeter
      .createHistogram(
        PAYOUT_METRICS.timeToFinal.name,
        'float',
        's',
        PAYOUT_METRICS.timeToFinal.help,
      )
      .record(Math.max(0, now - after.startedAt) / 1000, { status });
  }
  const added = after.review.history.slice(before.review.history.length);
  if (added.length > 0) {
    const escalations = metricMeter.createCounter(
      PAYOUT_METRICS.escalations.name,
      undefined,
      PAYOUT_METRICS.escalations.help,
    );
    for (const escalation of added) escalations.add(1, { reason: escalation.reason });
  }
}

/** Counts a dispute when its workflow starts (one per dispute: repeated news only signals it). */
export function observeDisputeOpened(reason: DisputeReason): void {
  metricMeter
    .createCounter(
      PAYOUT_METRICS.disputesOpened.name,
      undefined,
      PAYOUT_METRICS.disputesOpened.help,
    )
    .add(1, { reason });
}
