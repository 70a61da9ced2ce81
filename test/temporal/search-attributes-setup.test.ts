import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePayoutSearchAttributes } from '../../src/temporal/search-attributes-setup.js';
import { startDevServerEnv } from '../support/temporal.js';

describe('ensurePayoutSearchAttributes', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await startDevServerEnv({ registerSearchAttributes: false });
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('registers the payout search attributes once, then leaves them alone', async () => {
    const custom = async () =>
      (await env.connection.operatorService.listSearchAttributes({ namespace: 'default' }))
        .customAttributes;
    expect(Object.keys(await custom())).not.toContain('PayoutStatus');

    const added = await ensurePayoutSearchAttributes(env.connection, 'default');
    const all = [
      'AmountCents',
      'MerchantOrderId',
      'PayoutEscalation',
      'PayoutReviewSince',
      'PayoutStatus',
      'PayoutWaitingUntil',
      'PlatformId',
    ];
    expect(added.sort()).toEqual(all);
    expect(Object.keys(await custom())).toEqual(expect.arrayContaining(all));

    await expect(ensurePayoutSearchAttributes(env.connection, 'default')).resolves.toEqual([]);
  });
});
