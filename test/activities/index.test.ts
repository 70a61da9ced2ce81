import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { describe, expect, it } from 'vitest';
import {
  ActivityFailureType,
  createActivities,
  type PayoutGateway,
} from '../../activities/index.js';
import { ValidationError } from '../../src/errors.js';
import type { QueryOutcome, SubmitOutcome } from '../../vocabulary/gateway.js';
import { EXAMPLE_REQUEST } from '../support/requests.js';
import type { PayoutRequest } from '../../src/client/request.js';

const request: PayoutRequest = EXAMPLE_REQUEST;
const input = { request, platformId: 'PF0002', origin: 'initial' as const };
const found: QueryOutcome = {
  kind: 'found',
  order: {
    payoutId: 'POT1',
    payoutClId: 'ORDER-1',
    platformId: 'PF0002',
    state: 'processing',
    statusCode: 2,
    amountCents: 50_000,
  },
};

/** A gateway that records its calls and answers from the given functions. */
function gateway(
  query: () => Promise<QueryOutcome>,
  submit: () => Promise<SubmitOutcome> = () => Promise.reject(new Error('unused')),
) {
  const calls: string[] = [];
  const gw: PayoutGateway = {
    platformId: 'PF0002',
    queryPayout: () => {
      calls.push('query');
      return query();
    },
    submitPayout: () => {
      calls.push('create');
      return submit();
    },
  };
  return { gw, calls };
}

async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApplicationFailure) return error;
    throw error;
  }
  throw new Error('expected an ApplicationFailure');
}

describe('submitPayout: the gateway is asked before every create', () => {
  const env = new MockActivityEnvironment();

  it('creates once when the gateway has no order, and passes the outcome through', async () => {
    const unknown: SubmitOutcome = {
      kind: 'unknown',
      reason: 'timeout',
      detail: 'headers timeout',
    };
    const { gw, calls } = gateway(
      () => Promise.resolve({ kind: 'not-found' }),
      () => Promise.resolve(unknown),
    );
    const acts = createActivities({ gateway: gw });
    await expect(env.run(acts.submitPayout, input)).resolves.toEqual({
      kind: 'sent',
      outcome: unknown,
    });
    expect(calls).toEqual(['query', 'create']);
  });

  it.each<[string, QueryOutcome]>([
    ['found', found],
    ['a mismatch', { kind: 'mismatch', field: 'amount', expected: '50000', actual: '1' }],
  ])('sends nothing when the pre-check reports %s', async (_, precheck) => {
    const { gw, calls } = gateway(() => Promise.resolve(precheck));
    const acts = createActivities({ gateway: gw });
    await expect(env.run(acts.submitPayout, input)).resolves.toEqual({ kind: 'exists', precheck });
    expect(calls).toEqual(['query']);
  });

  it.each<[string, QueryOutcome]>([
    ['no answer', { kind: 'unavailable', reason: 'timeout', detail: 'x' }],
    ['a bad sign', { kind: 'bad-signature', detail: 'x' }],
  ])('sends nothing when the pre-check gets %s', async (_, precheck) => {
    const { gw, calls } = gateway(() => Promise.resolve(precheck));
    const acts = createActivities({ gateway: gw });
    await expect(env.run(acts.submitPayout, input)).resolves.toEqual({
      kind: 'not-sent',
      reason: 'precheck-unanswered',
      precheck,
    });
    expect(calls).toEqual(['query']);
  });

  it('a request the gateway rules refuse before sending is known not sent', async () => {
    const { gw } = gateway(
      () => Promise.resolve({ kind: 'not-found' }),
      () =>
        Promise.reject(new ValidationError('payout request', [{ field: 'name', rule: 'no &' }])),
    );
    const acts = createActivities({ gateway: gw });
    await expect(env.run(acts.submitPayout, input)).resolves.toMatchObject({
      kind: 'not-sent',
      reason: 'unsendable',
      detail: expect.stringContaining('name: no &') as unknown,
    });
  });

  it('a payout for another merchant fails non-retryably before any call', async () => {
    const { gw, calls } = gateway(() => Promise.resolve({ kind: 'not-found' }));
    const acts = createActivities({ gateway: gw });
    const failure = await failureOf(env.run(acts.submitPayout, { ...input, platformId: 'PF0003' }));
    expect(failure.type).toBe(ActivityFailureType.PlatformMismatch);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toContain('PF0003');
    expect(calls).toEqual([]);
  });
});

describe('submitPayout: a short first check inside the submit', () => {
  // An attempt with a minute to run, as the workflow's default submit timeout gives.
  const env = new MockActivityEnvironment({
    startToCloseTimeoutMs: 60_000,
    scheduleToCloseTimeoutMs: 300_000,
    scheduledTimestampMs: Date.now(),
  });
  const accepted: SubmitOutcome = { kind: 'accepted', payoutId: 'POT1' };
  const success: QueryOutcome = { kind: 'found', order: { ...found.order, state: 'success' } };
  /** Pre-check: no order; create: accepted; then the checks answer in order. */
  function afterCreate(...answers: (() => Promise<QueryOutcome>)[]) {
    const queries = [() => Promise.resolve<QueryOutcome>({ kind: 'not-found' }), ...answers];
    return gateway(
      () => queries.shift()!(),
      () => Promise.resolve(accepted),
    );
  }

  it('after an accepted create, waits the asked time and returns the answer with the create', async () => {
    const { gw, calls } = afterCreate(() => Promise.resolve(success));
    const acts = createActivities({ gateway: gw });
    const started = Date.now();
    await expect(env.run(acts.submitPayout, { ...input, firstCheckAfterMs: 150 })).resolves.toEqual(
      { kind: 'sent', outcome: accepted, firstCheck: success },
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(calls).toEqual(['query', 'create', 'query']);
  });

  it('checks nothing when not asked, or when the create was not accepted', async () => {
    const notAsked = afterCreate(() => Promise.resolve(success));
    await env.run(createActivities({ gateway: notAsked.gw }).submitPayout, input);
    expect(notAsked.calls).toEqual(['query', 'create']);
    const unknown: SubmitOutcome = { kind: 'unknown', reason: 'http-status', detail: 'HTTP 500' };
    const { gw, calls } = gateway(
      () => Promise.resolve({ kind: 'not-found' }),
      () => Promise.resolve(unknown),
    );
    await expect(
      env.run(createActivities({ gateway: gw }).submitPayout, { ...input, firstCheckAfterMs: 1 }),
    ).resolves.toEqual({ kind: 'sent', outcome: unknown });
    expect(calls).toEqual(['query', 'create']);
  });

  it.each<[string, () => Promise<QueryOutcome>]>([
    [
      'no usable answer',
      () => Promise.resolve({ kind: 'unavailable', reason: 'timeout', detail: 'x' }),
    ],
    ['a thrown error', () => Promise.reject(new Error('socket hang up'))],
  ])('a check that gets %s leaves the create outcome as it was', async (_, answer) => {
    const { gw, calls } = afterCreate(answer);
    await expect(
      env.run(createActivities({ gateway: gw }).submitPayout, { ...input, firstCheckAfterMs: 1 }),
    ).resolves.toEqual({ kind: 'sent', outcome: accepted });
    expect(calls).toEqual(['query', 'create', 'query']);
  });

  it('a check that does not answer in time is given up, so the attempt still reports the create', async () => {
    // 3.5 s to run: 2 s kept to report, so the check gets 1.5 s.
    const short = new MockActivityEnvironment({
      startToCloseTimeoutMs: 3_500,
      scheduleToCloseTimeoutMs: 0,
    });
    const { gw } = afterCreate(() => new Promise<QueryOutcome>(() => {}));
    const started = Date.now();
    await expect(
      short.run(createActivities({ gateway: gw }).submitPayout, { ...input, firstCheckAfterMs: 1 }),
    ).resolves.toEqual({ kind: 'sent', outcome: accepted });
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('an attempt without time for the wait and a query skips the check', async () => {
    const tight = new MockActivityEnvironment({ startToCloseTimeoutMs: 3_000 });
    const { gw, calls } = afterCreate(() => Promise.resolve(success));
    await expect(
      tight.run(createActivities({ gateway: gw }).submitPayout, {
        ...input,
        firstCheckAfterMs: 500,
      }),
    ).resolves.toEqual({ kind: 'sent', outcome: accepted });
    expect(calls).toEqual(['query', 'create']);
  });
});

describe('queryPayoutStatus', () => {
  const env = new MockActivityEnvironment();
  const query = { merchantOrderId: 'ORDER-1', amountCents: 50_000 };

  it('returns answers the workflow can act on, a refusal of our token included', async () => {
    for (const outcome of [
      { kind: 'not-found' },
      found,
      { kind: 'bad-signature', detail: 'x' },
      {
        kind: 'unavailable',
        reason: 'gateway-error',
        code: '0006',
        detail: 'Invalid Authorization',
      },
    ] as QueryOutcome[]) {
      const acts = createActivities({ gateway: gateway(() => Promise.resolve(outcome)).gw });
      await expect(env.run(acts.queryPayoutStatus, query)).resolves.toEqual(outcome);
    }
  });

  it('throws a retryable failure when the query gets no usable answer', async () => {
    const acts = createActivities({
      gateway: gateway(() =>
        Promise.resolve({ kind: 'unavailable', reason: 'http-status', detail: 'HTTP 502' }),
      ).gw,
    });
    const failure = await failureOf(env.run(acts.queryPayoutStatus, query));
    expect(failure.type).toBe(ActivityFailureType.GatewayUnavailable);
    expect(failure.nonRetryable).toBe(false);
    expect(failure.message).toContain('HTTP 502');
  });
});
