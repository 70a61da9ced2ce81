import type { MetricMeter, MetricTags } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { describe, expect, it } from 'vitest';
import { createActivities, type PayoutGateway } from '../../activities/index.js';
import { ValidationError } from '../../src/errors.js';
import { meteredGateway } from '../../src/metrics/gateway.js';
import type { ReconcilingGateway } from '../../activities/reconcile.js';
import type { PayoutRequest } from '../../src/client/request.js';
import { EXAMPLE_REQUEST } from '../support/requests.js';
import { PAYOUT_METRICS } from '../../workflows/metrics.js';

interface Recorded {
  readonly name: string;
  readonly value: number;
  readonly tags: MetricTags;
}

/** A meter that keeps every histogram record. */
function recordingMeter(): MetricMeter & { readonly records: Recorded[] } {
  const records: Recorded[] = [];
  const meter: MetricMeter & { records: Recorded[] } = {
    records,
    createHistogram: (name) => ({
      name,
      valueType: 'float',
      kind: 'histogram',
      unit: undefined,
      description: undefined,
      record: (value: number, tags: MetricTags = {}) => void records.push({ name, value, tags }),
      withTags: () => {
        throw new Error('unused');
      },
    }),
    createCounter: () => {
      throw new Error('unused');
    },
    createGauge: () => {
      throw new Error('unused');
    },
    withTags: () => meter,
  };
  return meter;
}

const request: PayoutRequest = EXAMPLE_REQUEST;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('meteredGateway', () => {
  it('records each call by operation and outcome, with its duration in seconds', async () => {
    const meter = recordingMeter();
    const gateway: ReconcilingGateway = {
      platformId: 'PF0002',
      queryPayout: async () => (await sleep(30), { kind: 'not-found' }),
      submitPayout: () => Promise.resolve({ kind: 'accepted', payoutId: 'P1' }),
      listPayouts: () => Promise.reject(new Error('connection reset')),
    };
    const metered = meteredGateway(gateway, () => meter);
    expect(metered.platformId).toBe('PF0002');
    await metered.queryPayout({ merchantOrderId: 'ORDER-1', amountCents: 1 });
    await metered.submitPayout(request);
    await expect(
      metered.listPayouts({ createdFrom: 0, createdTo: 1, offset: 0, limit: 10 }),
    ).rejects.toThrow('connection reset');

    expect(meter.records.map((r) => [r.name, r.tags])).toEqual([
      [PAYOUT_METRICS.gatewayCalls.name, { operation: 'query', outcome: 'not-found' }],
      [PAYOUT_METRICS.gatewayCalls.name, { operation: 'create', outcome: 'accepted' }],
      [PAYOUT_METRICS.gatewayCalls.name, { operation: 'list', outcome: 'error' }],
    ]);
    expect(meter.records[0]!.value).toBeGreaterThanOrEqual(0.025);
    expect(meter.records[0]!.value).toBeLessThan(5);
  });

  it('a failing meter never changes what the create answered', async () => {
    const gateway: ReconcilingGateway = {
      platformId: 'PF0002',
      queryPayout: () => Promise.resolve({ kind: 'not-found' }),
      submitPayout: () => Promise.resolve({ kind: 'rejected', code: '0012', message: 'no' }),
      listPayouts: () => Promise.reject(new Error('unused')),
    };
    const broken = () => {
      throw new Error('no activity context');
    };
    await expect(meteredGateway(gateway, broken).submitPayout(request)).resolves.toEqual({
      kind: 'rejected',
      code: '0012',
      message: 'no',
    });
  });

  it('does not count a create refused before sending: nothing reached the gateway', async () => {
    const meter = recordingMeter();
    const gateway: PayoutGateway = {
      platformId: 'PF0002',
      queryPayout: () => Promise.resolve({ kind: 'not-found' }),
      submitPayout: () =>
        Promise.reject(new ValidationError('payout request', [{ field: 'x', rule: 'y' }])),
    };
    await expect(meteredGateway(gateway, () => meter).submitPayout(request)).rejects.toThrow(
      ValidationError,
    );
    expect(meter.records).toEqual([]);
  });

  it("the activities record on the running activity's meter", async () => {
    const meter = recordingMeter();
    const env = new MockActivityEnvironment({}, { metricMeter: meter });
    const activities = createActivities({
      gateway: {
        platformId: 'PF0002',
        queryPayout: () => Promise.resolve({ kind: 'not-found' }),
        submitPayout: () =>
          Promise.resolve({ kind: 'unknown', reason: 'timeout', detail: 'no answer' }),
      },
    });
    await env.run(activities.submitPayout, {
      request,
      platformId: 'PF0002',
      origin: 'initial' as const,
    });
    // The activity's own tags (namespace, task queue, activity type) come along.
    expect(meter.records.map((r) => r.tags)).toEqual([
      expect.objectContaining({ operation: 'query', outcome: 'not-found', taskQueue: 'test' }),
      expect.objectContaining({ operation: 'create', outcome: 'unknown', taskQueue: 'test' }),
    ]);
  });
});
