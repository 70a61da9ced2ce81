/**
 * The worker's Prometheus endpoint, end to end: a dev server, the sandbox gateway and a worker
 * with WORKER_METRICS_ADDRESS's exporter. Payouts succeed, fail and escalate, a dispute opens;
 * then one scrape of /metrics shows each payout metric with its labels and values, the SDK's own
 * metrics beside them, and nothing that names an order or a person.
 */
import { describe, expect, it } from 'vitest';
import { openPayoutDispute } from '../../src/disputes.js';
import { workerTelemetry } from '../../src/metrics/telemetry.js';
import { parseWorkerConfig } from '../../src/worker/config.js';
import { freePort } from '../../src/stack/wait.js';
import { PAYOUT_METRICS } from '../../workflows/metrics.js';
import { E2E_MERCHANT, startE2e, type E2e } from '../e2e/harness.js';
import { waitForStatus, eventually } from '../e2e/support.js';
import { parseSamples, select, total, type Sample } from './prometheus-text.js';

/** Labels the SDK's meter adds on its own: namespace, task queue, workflow or activity type. */
const SDK_LABELS = new Set([
  'namespace',
  'taskQueue',
  'workflowType',
  'activityType',
  'service_name',
]);
const PAYOUT_LABELS = new Set(['status', 'reason', 'outcome', 'operation', 'le']);

/** What the SDK's runtime logger wrote. */
const logLines: string[] = [];

describe('the worker metrics endpoint', () => {
  it('serves payout and SDK metrics after real payouts', { timeout: 90_000 }, async () => {
    // Picked here: the SDK's exporter cannot report a port it picked itself.
    const port = await freePort();
    // The worker process's own telemetry, from the keys it reads.
    const config = parseWorkerConfig({
      WORKER_METRICS_ADDRESS: `127.0.0.1:${port}`,
      LOG_FORMAT: 'json',
      LOG_LEVEL: 'INFO',
    });
    const e2e = await startE2e({
      name: 'metrics',
      runtime: workerTelemetry(config, (line) => logLines.push(line)),
    });
    try {
      await scenario(e2e, `http://127.0.0.1:${port}/metrics`);
    } finally {
      await e2e.close();
    }
    sdkLogs(e2e);
  });
});

async function scrape(url: string): Promise<{ text: string; samples: Sample[] }> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
  const text = await response.text();
  return { text, samples: parseSamples(text) };
}

async function scenario(e2e: E2e, url: string): Promise<void> {
  const ok = e2e.request('DEMO-OK-');
  const failed = e2e.request('DEMO-FAIL-');
  const lost = e2e.request('DEMO-LOST-');
  const started = Date.now();
  await Promise.all([e2e.start(ok), e2e.start(failed), e2e.start(lost)]);
  const [okResult, failedResult] = await Promise.all([
    e2e.payouts.waitForPayout(ok.merchantOrderId),
    e2e.payouts.waitForPayout(failed.merchantOrderId),
    waitForStatus(e2e, lost.merchantOrderId, 'NEEDS_REVIEW', 30_000),
  ]);
  expect(okResult.status).toBe('SUCCEEDED');
  expect(failedResult.status).toBe('FAILED');
  const elapsed = (Date.now() - started) / 1000;

  // A dispute, as reconciliation opens one for an order no payout knows.
  await openPayoutDispute(e2e.client, {
    platformId: E2E_MERCHANT.platformId,
    merchantOrderId: 'ORPHAN-METRICS-1',
    taskQueue: e2e.taskQueue,
    result: null,
    news: {
      source: 'reconciliation',
      reason: 'unknown-order',
      state: 'success',
      payoutId: 'POT-ORPHAN-1',
      amountCents: 12_300,
      detail: 'an order no payout workflow knows',
      at: new Date().toISOString(),
    },
  });

  // The workflow's metrics leave its sandbox after the task completes: wait for the last one.
  const { text, samples } = await eventually<{ text: string; samples: Sample[] }>(
    'every payout metric on the endpoint',
    async () => {
      const scraped = await scrape(url);
      const s = scraped.samples;
      return total(s, 'payout_disputes_opened_total') > 0 &&
        total(s, 'payout_escalations_total') > 0 &&
        total(s, 'payout_finals_total') >= 2
        ? scraped
        : undefined;
    },
    { timeoutMs: 15_000, intervalMs: 200 },
  );

  // Finals by status, each counted once; nothing for the payout still in review.
  expect(total(samples, 'payout_finals_total', { status: 'SUCCEEDED' })).toBe(1);
  expect(total(samples, 'payout_finals_total', { status: 'FAILED' })).toBe(1);
  expect(total(samples, 'payout_finals_total')).toBe(2);
  expect(select(samples, 'payout_finals_total')[0]?.labels).toMatchObject({
    workflowType: 'payoutWorkflow',
    taskQueue: e2e.taskQueue,
  });

  // Time to final: one observation per final payout, within the test's own wall time.
  for (const status of ['SUCCEEDED', 'FAILED']) {
    const count = total(samples, 'payout_time_to_final_seconds_count', { status });
    const sum = total(samples, 'payout_time_to_final_seconds_sum', { status });
    expect(count, status).toBe(1);
    expect(sum, status).toBeGreaterThan(0.2);
    expect(sum, status).toBeLessThanOrEqual(elapsed + 1);
  }
  // The configured buckets, not the SDK's defaults.
  const les = select(samples, 'payout_time_to_final_seconds_bucket', { status: 'SUCCEEDED' }).map(
    (s) => s.labels['le'],
  );
  expect(les).toEqual([...PAYOUT_METRICS.timeToFinal.buckets.map(String), '+Inf']);

  // Escalations by reason.
  expect(
    total(samples, 'payout_escalations_total', { reason: 'not-found-after-unknown-submit' }),
  ).toBe(1);
  expect(total(samples, 'payout_escalations_total')).toBe(1);

  // Gateway calls by operation and outcome: two creates accepted, one lost (unknown), and the
  // three pre-checks that found no order.
  const calls = (labels: Record<string, string>) =>
    total(samples, 'payout_gateway_call_seconds_count', labels);
  expect(calls({ operation: 'create', outcome: 'accepted' })).toBe(2);
  expect(calls({ operation: 'create', outcome: 'unknown' })).toBe(1);
  expect(calls({ operation: 'create' })).toBe(3);
  expect(calls({ operation: 'query', outcome: 'not-found' })).toBeGreaterThanOrEqual(3);
  expect(calls({ operation: 'query', outcome: 'found' })).toBeGreaterThanOrEqual(2);
  // The lost create waited for the client's timeouts: its latency shows it.
  const lostSum = total(samples, 'payout_gateway_call_seconds_sum', {
    operation: 'create',
    outcome: 'unknown',
  });
  expect(lostSum).toBeGreaterThan(0.5);
  expect(
    total(samples, 'payout_gateway_call_seconds_sum', { operation: 'create', outcome: 'accepted' }),
  ).toBeLessThan(lostSum);

  // Disputes opened, by reason.
  expect(total(samples, 'payout_disputes_opened_total', { reason: 'unknown-order' })).toBe(1);

  // The SDK's own metrics on the same endpoint, under the names Temporal documents.
  expect(total(samples, 'temporal_workflow_completed', { workflow_type: 'payoutWorkflow' })).toBe(
    2,
  );
  expect(total(samples, 'temporal_workflow_task_execution_latency_count')).toBeGreaterThan(0);
  expect(total(samples, 'temporal_local_activity_total')).toBeGreaterThan(0);

  // Replay-safe: a query of a closed payout makes the worker replay its whole history (closed
  // workflows leave the cache), and the replay counts nothing again.
  const replaysBefore = total(samples, 'temporal_workflow_task_replay_latency_count');
  await e2e.payouts.getPayout(ok.merchantOrderId);
  await e2e.payouts.getPayout(failed.merchantOrderId);
  const after = await eventually(
    'the replays on the endpoint',
    async () => {
      const { samples: s } = await scrape(url);
      return total(s, 'temporal_workflow_task_replay_latency_count') >= replaysBefore + 2
        ? s
        : undefined;
    },
    { timeoutMs: 10_000, intervalMs: 200 },
  );
  for (const name of [
    'payout_finals_total',
    'payout_time_to_final_seconds_count',
    'payout_escalations_total',
  ]) {
    expect(total(after, name), name).toBe(total(samples, name));
  }

  // No label names an order, a person, an account or the merchant; payout labels are closed.
  for (const secret of [
    ok.merchantOrderId,
    lost.merchantOrderId,
    'ORPHAN-METRICS-1',
    ok.recipientName,
    ok.accountNumber,
    E2E_MERCHANT.secret,
    E2E_MERCHANT.authToken,
  ]) {
    expect(text, secret).not.toContain(secret);
  }
  for (const sample of samples.filter((s) => s.name.startsWith('payout_'))) {
    for (const key of Object.keys(sample.labels)) {
      expect(PAYOUT_LABELS.has(key) || SDK_LABELS.has(key), `${sample.name} ${key}`).toBe(true);
    }
  }
}

/** The SDK's lines (activities' logs among them) came out as JSON lines, redacted. */
function sdkLogs(e2e: E2e): void {
  expect(logLines.length).toBeGreaterThan(0);
  const entries = logLines.map((l) => JSON.parse(l) as Record<string, unknown>);
  for (const e of entries) {
    expect(Object.keys(e)).toEqual(['time', 'level', 'component', 'message', 'context']);
    expect(e['component']).toBe('temporal');
  }
  // The SDK core's own lines are forwarded too.
  expect(
    entries.some((e) => (e['context'] as Record<string, unknown>)['sdkComponent'] === 'core'),
  ).toBe(true);
  const submits = entries.filter((e) => e['message'] === 'payout submit');
  expect(submits.length).toBe(3);
  expect(submits[0]?.['context']).toMatchObject({
    sdkComponent: 'activity',
    activityType: 'submitPayout',
    taskQueue: e2e.taskQueue,
  });
  const text = logLines.join('\n');
  const sample = e2e.request('X-');
  for (const secret of [
    sample.accountNumber,
    sample.recipientName,
    E2E_MERCHANT.secret,
    E2E_MERCHANT.authToken,
  ]) {
    expect(text, secret).not.toContain(secret);
  }
}
