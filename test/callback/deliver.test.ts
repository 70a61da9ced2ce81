import { TerminatedFailure } from '@temporalio/common';
import { WorkflowFailedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { createTemporalDelivery } from '../../src/callback/deliver.js';
import { verifyCallback } from '../../src/gateway/callback.js';
import { sign } from '../../src/gateway/sign.js';
import type { PayoutNotification } from '../../vocabulary/gateway.js';
import { MINIMAL_CALLBACK_FIELDS } from '../support/callback-fields.js';
import { testConfig, TEST_SECRET } from '../gateway/helpers/config.js';

/** A Temporal client that records signals, with `signal` and `result` as the test says. */
function fakeClient(
  behaviour: { signal?: () => Promise<void>; result?: () => Promise<unknown> } = {},
) {
  const signals: { workflowId: string; name: string; args: unknown[] }[] = [];
  const disputes: { workflowId: string; options: Record<string, unknown> }[] = [];
  const client = {
    workflow: {
      getHandle: (workflowId: string) => ({
        signal: (def: string | { name: string }, ...args: unknown[]) => {
          signals.push({ workflowId, name: typeof def === 'string' ? def : def.name, args });
          return behaviour.signal ? behaviour.signal() : Promise.resolve();
        },
        result: () => (behaviour.result ? behaviour.result() : Promise.resolve(FINAL)),
      }),
      signalWithStart: (_type: string, options: { workflowId: string }) => {
        disputes.push({ workflowId: options.workflowId, options });
        return Promise.resolve();
      },
    },
  };
  return { client: client as unknown as Client, signals, disputes };
}

/** The final result the fake payout ended with: SUCCEEDED, as the callback below says. */
const FINAL = {
  status: 'SUCCEEDED',
  merchantOrderId: 'ORDER-1',
  platformId: 'PF0002',
  amountCents: 50_000,
  payoutId: 'POT1',
  gatewayState: 'success',
  resolvedAt: '2025-03-01T00:00:00.000Z',
};

function verifiedNotification(): PayoutNotification {
  const config = testConfig('https://gw.example.com', { GATEWAY_SIGN_MODE: 'hmac-sha256' });
  const fields = {
    ...MINIMAL_CALLBACK_FIELDS,
    sign_type: 'HMAC-SHA256',
    extra_field: 'added later by the gateway',
  };
  const result = verifyCallback(
    { ...fields, sign: sign(fields, TEST_SECRET, 'hmac-sha256') },
    config,
  );
  if (!result.ok) throw new Error(result.error.detail);
  return result.notification;
}

describe('createTemporalDelivery', () => {
  it('signals the payout without the raw fields, so neither sign nor sign_type reach the history', async () => {
    const { client, signals } = fakeClient();
    const notification = verifiedNotification();
    expect(notification.fields['sign']).toBeDefined();

    expect(
      await createTemporalDelivery(client, 'PF0002', { taskQueue: 'payouts' })(notification),
    ).toBe('delivered');
    expect(signals).toHaveLength(1);
    const [signal] = signals;
    expect(signal?.workflowId).toBe('payout:PF0002:ORDER-1');
    expect(signal?.name).toBe('payoutCallback');
    const { fields: _fields, ...expected } = notification;
    expect(signal?.args).toEqual([expected]);
    const text = JSON.stringify(signal?.args);
    expect(text).not.toContain(notification.fields['sign']);
    expect(text).not.toContain('sign_type');
    expect(text).not.toContain('added later');
  });

  it('tells a finished payout from an unknown one', async () => {
    const notFound = () => Promise.reject(new WorkflowNotFoundError('gone', 'x', undefined));
    const final = fakeClient({ signal: notFound });
    expect(
      await createTemporalDelivery(final.client, 'PF0002', { taskQueue: 'payouts' })(
        verifiedNotification(),
      ),
    ).toBe('already-final');
    const unknown = fakeClient({ signal: notFound, result: notFound });
    expect(
      await createTemporalDelivery(unknown.client, 'PF0002', { taskQueue: 'payouts' })(
        verifiedNotification(),
      ),
    ).toBe('unknown-payout');
  });

  it('a callback that contradicts the final state opens a dispute holding both sides', async () => {
    const notFound = () => Promise.reject(new WorkflowNotFoundError('gone', 'x', undefined));
    const failed = fakeClient({
      signal: notFound,
      result: () => Promise.resolve({ ...FINAL, status: 'FAILED', gatewayState: 'failed' }),
    });
    const deliver = createTemporalDelivery(failed.client, 'PF0002', { taskQueue: 'payouts' });
    expect(await deliver(verifiedNotification())).toBe('disputed');
    expect(failed.disputes).toEqual([
      {
        workflowId: 'payout-dispute:PF0002:ORDER-1',
        options: expect.objectContaining({
          taskQueue: 'payouts',
          args: [
            expect.objectContaining({
              final: expect.objectContaining({ status: 'FAILED' }) as unknown,
              news: expect.objectContaining({
                state: 'success',
                source: 'callback',
                reason: 'final-contradicted',
              }) as unknown,
            }),
          ],
        }) as unknown,
      },
    ]);
  });

  it('a callback for a payout whose workflow was terminated opens an "abandoned" dispute', async () => {
    const notFound = () => Promise.reject(new WorkflowNotFoundError('gone', 'x', undefined));
    const terminated = fakeClient({
      signal: notFound,
      result: () =>
        Promise.reject(
          new WorkflowFailedError(
            'terminated',
            new TerminatedFailure('by hand'),
            'NON_RETRYABLE_FAILURE',
          ),
        ),
    });
    const deliver = createTemporalDelivery(terminated.client, 'PF0002', { taskQueue: 'payouts' });
    expect(await deliver(verifiedNotification())).toBe('disputed');
    expect(terminated.disputes).toEqual([
      {
        workflowId: 'payout-dispute:PF0002:ORDER-1',
        options: expect.objectContaining({
          args: [
            expect.objectContaining({
              merchantOrderId: 'ORDER-1',
              final: null,
              news: expect.objectContaining({ reason: 'abandoned', state: 'success' }) as unknown,
            }),
          ],
        }) as unknown,
      },
    ]);
  });
});
