import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { describe, expect, it } from 'vitest';
import {
  ActivityFailureType,
  createActivities,
  type PayoutGateway,
} from '../../activities/index.js';
import { ValidationError } from '../../src/errors.js';
import type { QueryOutcome, SubmitOutcome } from '../../src/gateway/types.js';
import type { PayoutRequest } from '../../src/payout/request.js';

const request: PayoutRequest = {
  merchantOrderId: 'ORDER-1',
  amountCents: 50_000,
  bankName: '中国农业银行',
  recipientName: 'Li Lei',
  accountNumber: '6228480000000000000',
};

function gateway(
  submit: () => Promise<SubmitOutcome>,
  query: () => Promise<QueryOutcome>,
): PayoutGateway {
  return { submitPayout: submit, queryPayout: query };
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

describe('createActivities', () => {
  const env = new MockActivityEnvironment();

  it('passes the submit outcome through, unknown included', async () => {
    const unknown: SubmitOutcome = {
      kind: 'unknown',
      reason: 'timeout',
      detail: 'headers timeout after 10000 ms',
    };
    const acts = createActivities({
      gateway: gateway(
        () => Promise.resolve(unknown),
        () => Promise.reject(new Error('unused')),
      ),
    });
    await expect(
      env.run(acts.submitPayout, { request, origin: 'initial' as const }),
    ).resolves.toEqual(unknown);
  });

  it('turns a request the gateway rules refuse into a non-retryable failure (nothing was sent)', async () => {
    const acts = createActivities({
      gateway: gateway(
        () =>
          Promise.reject(
            new ValidationError('payout request', [{ field: 'notify_url', rule: 'must be https' }]),
          ),
        () => Promise.reject(new Error('unused')),
      ),
    });
    const failure = await failureOf(
      env.run(acts.submitPayout, { request, origin: 'initial' as const }),
    );
    expect(failure.type).toBe(ActivityFailureType.InvalidPayoutRequest);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toContain('notify_url: must be https');
  });

  it('returns query answers the workflow can act on', async () => {
    const notFound: QueryOutcome = { kind: 'not-found' };
    const acts = createActivities({
      gateway: gateway(
        () => Promise.reject(new Error('unused')),
        () => Promise.resolve(notFound),
      ),
    });
    await expect(
      env.run(acts.queryPayoutStatus, { merchantOrderId: 'ORDER-1', amountCents: 50_000 }),
    ).resolves.toEqual(notFound);
  });

  it('throws a retryable failure when the query gets no usable answer', async () => {
    const acts = createActivities({
      gateway: gateway(
        () => Promise.reject(new Error('unused')),
        () => Promise.resolve({ kind: 'unavailable', reason: 'http-status', detail: 'HTTP 502' }),
      ),
    });
    const failure = await failureOf(
      env.run(acts.queryPayoutStatus, { merchantOrderId: 'ORDER-1', amountCents: 1 }),
    );
    expect(failure.type).toBe(ActivityFailureType.GatewayUnavailable);
    expect(failure.nonRetryable).toBe(false);
    expect(failure.message).toContain('HTTP 502');
  });

  it('does not retry a query whose credentials the gateway refused', async () => {
    const acts = createActivities({
      gateway: gateway(
        () => Promise.reject(new Error('unused')),
        () =>
          Promise.resolve({
            kind: 'unavailable',
            reason: 'gateway-error',
            code: '0006',
            detail: 'Invalid Authorization',
          }),
      ),
    });
    const failure = await failureOf(
      env.run(acts.queryPayoutStatus, { merchantOrderId: 'ORDER-1', amountCents: 1 }),
    );
    expect(failure.type).toBe(ActivityFailureType.GatewayAuthorizationRejected);
    expect(failure.nonRetryable).toBe(true);
  });
});
